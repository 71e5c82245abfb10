import Catalog
import Crypto
import Foundation
import HummingbirdTesting
import Ingest
import NIOCore
import Organise
import Testing

@testable import App
@testable import Processing
@testable import Storage
@testable import TestSupport

/// The service with `STORAGE_BACKEND=s3://…` against a real S3 API server (moto's): ingest,
/// processing, reads with `Range`, repeats, large uploads and the folder view's moves.
@Suite(.serialized) struct S3StorageTests {
    /// The service configured from the same environment an operator would set.
    static func run(
        _ server: S3TestServer, bucket: String, workers: Int = 2, partSizeMiB: Int? = nil,
        maximumUploadBytes: Int = 64 << 20, configure: @escaping @Sendable (inout AppConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestClientProtocol, TestApp, S3Store) async throws -> Void
    ) async throws {
        let environment = server.environment(bucket: bucket, partSizeMiB: partSizeMiB)
        let store = try server.makeStore(bucket: bucket, partSizeMiB: partSizeMiB)
        try await store.createBucketIfMissing()
        let storage = try AppConfiguration(environment: environment).storage
        try await TestApp.run(
            workers: workers, maximumUploadBytes: maximumUploadBytes + (1 << 20),
            configure: { configuration in
                configuration.storage = storage
                // The S3 store stages under the data folder: the test's own.
                configuration.dataRoot = configuration.storagePath
                configure(&configuration)
            }
        ) { client, app in
            try await body(client, app, store)
        }
    }

    @Test func theSpecExampleIsStoredProcessedAndReadFromS3() async throws {
        try await S3TestServer.run { server in
            try await Self.run(server, bucket: "spec-example") { client, app, store in
                let image = try Fixture.bytes("rocket.jpg")
                var form = MultipartBody()
                form.file(filename: "image.jpg", image, type: "image/jpeg")
                form.field("payload", #"{"name":"example","value":123}"#)
                let accepted = try await client.ingest(form, key: app.adminKey).json()
                let ids = try #require(accepted["system_ids"] as? [String])
                let status = try await client.waitForJob(try #require(accepted["job_id"] as? String), key: app.adminKey)
                #expect(status["status"] as? String == "done")

                let sha256 = SHA256.hash(data: image).hexString
                #expect(
                    try await store.size(of: .raw(sha256: sha256)) == Int64(image.count), "the upload is in the bucket")
                let object = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey).json()
                #expect((object["uri"] as? String ?? object["storage_uri"] as? String) != nil)

                // Processed from the bucket: a thumbnail was made and is served from it.
                let thumbnail = try await client.call(
                    .get, "/api/v1/objects/\(ids[0])/thumbnail?size=small", key: app.adminKey)
                #expect(thumbnail.status == .ok)
                #expect(thumbnail.headers[.contentType] == "image/webp")

                // Content whole and in ranges.
                let uri = "/api/v1/objects/\(ids[0])/content"
                #expect(Array(try await client.call(.get, uri, key: app.adminKey).body.readableBytesView) == image)
                let partial = try await client.call(.get, uri, key: app.adminKey, headers: [.range: "bytes=100-199"])
                #expect(partial.status == .partialContent)
                #expect(partial.headers[.contentRange] == "bytes 100-199/\(image.count)")
                #expect(Array(partial.body.readableBytesView) == Array(image[100..<200]))
                let outside = try await client.call(.get, uri, key: app.adminKey, headers: [.range: "bytes=999999999-"])
                #expect(outside.status == .rangeNotSatisfiable)
                let document = try await client.call(.get, "/api/v1/objects/\(ids[1])/content", key: app.adminKey)
                #expect(String(buffer: document.body) == #"{"name":"example","value":123}"#)

                // The same bytes again: the same asset, recorded as a repeat.
                var again = MultipartBody()
                again.file(filename: "again.jpg", image, type: "image/jpeg")
                let repeated = try await client.ingest(again, key: app.adminKey).json()["system_ids"] as? [String]
                #expect(repeated == [ids[0]])

                // Placed in the folder view, in the bucket.
                try await eventually("the image to be placed in the unsorted folder") {
                    let object = try await client.call(.get, "/api/v1/objects/\(ids[0])", key: app.adminKey).json()
                    return object["storage_uri"] as? String == "media/unsorted/\(ids[0]).jpg"
                }
                #expect(try await store.size(of: BlobKey("media/unsorted/\(ids[0]).jpg")!) == Int64(image.count))
            }
        }
    }

    @Test func aLargeUploadGoesUpInSeveralParts() async throws {
        try await S3TestServer.run { server in
            try await Self.run(server, bucket: "large-upload", workers: 0, partSizeMiB: 16) { client, app, store in
                // A video as far as the ingest can tell (its head is a real MP4), 64 MiB long.
                var generator = SystemRandomNumberGenerator()
                var payload = try Fixture.bytes("slideshow.mp4")
                payload += (0..<((64 << 20) - payload.count) / 8).flatMap { _ in
                    withUnsafeBytes(of: generator.next()) { Array($0) }
                }
                var form = MultipartBody()
                form.file(filename: "big.mp4", payload, type: "video/mp4")
                let response = try await client.ingest(form, key: app.adminKey)
                #expect(response.status == .accepted)
                let key = BlobKey.raw(sha256: SHA256.hash(data: payload).hexString)
                let head = try await store.client.send(.init(.HEAD, store.objectKey(key)))
                #expect(head.headers.first(name: "etag")?.hasSuffix("-4\"") == true, "four parts of 16 MiB")
                let id = try #require((try response.json()["system_ids"] as? [String])?.first)
                let tail = try await client.call(
                    .get, "/api/v1/objects/\(id)/content", key: app.adminKey, headers: [.range: "bytes=-4096"])
                #expect(Array(tail.body.readableBytesView) == Array(payload.suffix(4096)))
            }
        }
    }

    @Test func clusterMovesAreServerSideCopiesThatFinishAfterACrash() async throws {
        struct Crash: Error {}
        try await S3TestServer.run { server in
            try await Self.run(server, bucket: "cluster-moves", workers: 0) { client, app, store in
                let ids = try await Organising.upload(
                    ["rocket.jpg", "chelsea.png", "coffee.png"].map {
                        Organising.File(
                            name: $0, bytes: try Fixture.bytes($0),
                            type: $0.hasSuffix("jpg") ? "image/jpeg" : "image/png")
                    }, client: client, key: app.adminKey)
                let assets = try await ids.asyncMap { try #require(try await app.catalog.assets.find($0)) }
                let task = PlacementTask(catalog: app.catalog, store: store, batch: 2)
                let moves = app.catalog.placementMoves
                func request(_ folder: (AssetRecord) -> String) async throws {
                    try await Organising.requestMoves(assets, app: app, to: folder)
                }
                func files(in folder: String) async throws -> Set<String> {
                    var names: Set<String> = []
                    for asset in assets {
                        for place in [
                            FolderLayout.unsorted(asset.id, mediaType: asset.mediaType),
                            FolderLayout.cluster("trip", asset.id, mediaType: asset.mediaType),
                        ] where place.hasPrefix(folder) {
                            if try await store.size(of: BlobKey(place)!) != nil { names.insert(place) }
                        }
                    }
                    return names
                }

                try await request { FolderLayout.unsorted($0.id, mediaType: $0.mediaType) }
                _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
                #expect(try await files(in: "media/unsorted/").count == 3)

                // A crash in the middle of a batch: one file moved, the others not; the next run finishes.
                try await request { FolderLayout.cluster("trip", $0.id, mediaType: $0.mediaType) }
                await #expect(throws: Crash.self) {
                    _ = try await moves.performPending(owner: "admin", limit: 10) { pending in
                        _ = try await store.place([try PlacementTask.placement(pending[0])])
                        throw Crash()
                    }
                }
                #expect(try await files(in: "media/clusters/trip/").count == 1)
                _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
                #expect(try await files(in: "media/clusters/trip/").count == 3)
                #expect(try await files(in: "media/unsorted/").isEmpty)
                #expect(try await moves.pendingCount() == 0)
                for (asset, name) in zip(assets, ["rocket.jpg", "chelsea.png", "coffee.png"]) {
                    let placed = try #require(try await app.catalog.assets.find(asset.id)?.placementKey)
                    #expect(placed.hasPrefix("media/clusters/trip/"))
                    let content = try await client.call(
                        .get, "/api/v1/objects/\(asset.id.uuidString.lowercased())/content", key: app.adminKey)
                    #expect(Array(content.body.readableBytesView) == (try Fixture.bytes(name)))
                }
            }
        }
    }

    /// The crash between an upload and its catalog commit, on S3: the same scenario as on the
    /// filesystem (`OrphanSweepScenario`), with the bucket's own listing and deletes.
    @Test func aCrashBetweenUploadAndCommitLeavesNoOrphanInTheBucketOnceSwept() async throws {
        try await S3TestServer.run { server in
            try await Self.run(server, bucket: "orphans", configure: OrphanSweepScenario.configure) {
                client, app, store in
                try await OrphanSweepScenario.run(
                    store: InlineAwareStore(base: store, catalog: app.catalog), client: client, app: app)
            }
        }
    }
}
