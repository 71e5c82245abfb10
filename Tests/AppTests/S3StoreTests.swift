import Crypto
import Foundation
import NIOCore
import Testing

@testable import Storage
@testable import TestSupport

/// The S3 store against a real S3 API server (moto's), over real HTTP: what the filesystem store
/// promises, the S3 store keeps, and a server that fails every third request changes nothing.
@Suite(.serialized) struct S3StoreTests {
    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7 &+ ($0 >> 13)) }
    }

    static func stage(_ bytes: [UInt8], in store: S3Store) async throws -> StagedBlob {
        let writer = try await store.makeStagingWriter()
        for start in stride(from: 0, to: bytes.count, by: 1 << 20) {
            try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + (1 << 20), bytes.count)]))
        }
        return try await writer.finish()
    }

    static func collect(_ sequence: BlobByteSequence) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in sequence { bytes += chunk.readableBytesView }
        return bytes
    }

    static func modified(_ store: S3Store, _ key: BlobKey) async throws -> Date? {
        for try await page in store.list(prefix: key.rawValue) { return page.first { $0.key == key }?.modified }
        return nil
    }

    @Test func blobsGoUpOnceAndComeBackWholeOrInRanges() async throws {
        try await S3TestServer.run { server in
            let store = try server.makeStore(bucket: "round-trip")
            try await store.createBucketIfMissing()
            let payload = Self.bytes(700_000, seed: 1)
            let staged = try await Self.stage(payload, in: store)
            let key = BlobKey.raw(sha256: staged.sha256)
            try await store.commit(staged, as: key)
            #expect(!FileManager.default.fileExists(atPath: staged.path.string), "the staging file goes")
            #expect(try await store.size(of: key) == Int64(payload.count))
            #expect(try await Self.collect(store.read(key, range: nil)) == payload)
            #expect(try await Self.collect(store.read(key, range: 1000..<1010)) == Array(payload[1000..<1010]))
            #expect(try await Self.collect(store.read(key, range: 5..<5)).isEmpty)
            await #expect(throws: BlobStoreError.self) { _ = try await store.read(key, range: 699_990..<700_010) }
            let missing = BlobKey.raw(sha256: String(repeating: "0", count: 64))
            await #expect(throws: BlobStoreError.self) { _ = try await store.read(missing, range: nil) }
            #expect(try await store.size(of: missing) == nil)
            #expect(store.uri(for: key) == "s3://round-trip/blobs/\(key.rawValue)")

            // The same bytes again are not sent: the staged copy is never read (here it is gone before
            // the commit), and the object's time is refreshed for the orphan sweeper's grace.
            let before = try #require(try await Self.modified(store, key))
            let again = try await Self.stage(payload, in: store)
            try FileManager.default.removeItem(atPath: again.path.string)
            try await eventually("a second to pass, S3's time resolution") { Date().timeIntervalSince(before) > 1.1 }
            try await store.commit(again, as: key)
            #expect(try #require(try await Self.modified(store, key)) > before)
            #expect(try await Self.collect(store.read(key, range: nil)) == payload)

            // A batch of documents, each under its content address.
            let documents = (0..<20).map { ByteBuffer(string: #"{"n":\#($0)}"#) }
            var batch: [StagedBlob] = []
            for document in documents { batch.append(try await store.stage(document)) }
            try await store.commitContent(batch)
            for (document, blob) in zip(documents, batch) {
                #expect(try await store.readAll(.raw(sha256: blob.sha256), limit: 100) == document)
            }

            let moved = BlobKey("media/unsorted/a.bin")!
            try await store.move(key, to: moved)
            #expect(try await store.size(of: key) == nil)
            #expect(try await Self.collect(store.read(moved, range: nil)) == payload)
            try await store.delete(moved)
            #expect(try await store.size(of: moved) == nil)
        }
    }

    @Test func aLargeBlobGoesUpInPartsAndIsCopiedInParts() async throws {
        try await S3TestServer.run { server in
            let store = try server.makeStore(bucket: "large", partSizeMiB: 5)
            try await store.createBucketIfMissing()
            let payload = Self.bytes(12 << 20, seed: 2)
            let staged = try await Self.stage(payload, in: store)
            let key = BlobKey.raw(sha256: staged.sha256)
            try await store.commit(staged, as: key)
            let head = try await store.client.send(.init(.HEAD, store.objectKey(key)))
            #expect(head.headers.first(name: "etag")?.hasSuffix("-3\"") == true, "three parts of 5, 5 and 2 MiB")
            let partsSent = server.server.output.split(separator: "\n").filter {
                $0.contains("PUT /large/blobs/\(key.rawValue)?") && $0.contains("partNumber=")
            }
            #expect(partsSent.count == 3)
            #expect(SHA256.hash(data: try await Self.collect(store.read(key, range: nil))).hexString == staged.sha256)

            // Above the single-copy limit a move copies part by part, on the server.
            var settings = store.settings
            settings.singleCopyLimit = 5 << 20
            settings.copyPartSize = 5 << 20
            let copying = try S3Store(settings: settings, stagingRoot: store.staging.root.string)
            let moved = BlobKey("media/clusters/big/a.bin")!
            try await copying.move(key, to: moved)
            #expect(SHA256.hash(data: try await Self.collect(store.read(moved, range: nil))).hexString == staged.sha256)
            #expect(try await store.size(of: key) == nil)
        }
    }

    @Test func placementsMoveFilesOnTheServerAndFinishAfterACrash() async throws {
        try await S3TestServer.run { server in
            let store = try server.makeStore(bucket: "placing")
            try await store.createBucketIfMissing()
            let payload = Self.bytes(10_000, seed: 3)
            let staged = try await Self.stage(payload, in: store)
            let original = BlobKey.raw(sha256: staged.sha256)
            try await store.commit(staged, as: original)
            let unsorted = BlobKey("media/unsorted/x.jpg")!
            let trip = BlobKey("media/clusters/trip/x.jpg")!
            let beach = BlobKey("media/clusters/beach/x.jpg")!

            #expect(try await store.place([Placement(original: original, current: nil, target: unsorted)]).isEmpty)
            #expect(try await Self.collect(store.read(unsorted, range: nil)) == payload)
            #expect(try await store.size(of: original) == Int64(payload.count), "the original is never moved")

            // A crash after the copy to `trip`, before the old name went: placing again leaves one file.
            try await store.copy(store.objectKey(unsorted), to: store.objectKey(trip), size: Int64(payload.count))
            #expect(try await store.place([Placement(original: original, current: unsorted, target: trip)]).isEmpty)
            #expect(try await store.size(of: unsorted) == nil)
            #expect(try await store.size(of: trip) == Int64(payload.count))

            // A move recorded as headed to `trip` but sent on to `beach`: it moves from where it is.
            #expect(
                try await store.place([Placement(original: original, current: nil, target: beach, earlier: [trip])])
                    .isEmpty)
            #expect(try await store.size(of: trip) == nil)
            #expect(try await Self.collect(store.read(beach, range: nil)) == payload)

            // Bytes that are nowhere are reported, not invented.
            let lost = BlobKey.raw(sha256: String(repeating: "1", count: 64))
            let nowhere = Placement(original: lost, current: nil, target: BlobKey("media/unsorted/y.jpg")!)
            #expect(try await store.place([nowhere]) == [nowhere])
        }
    }

    @Test func aServerFailingEveryThirdRequestStillEndsWithEveryObjectStoredOnce() async throws {
        try await S3TestServer.run(flaky: true) { server in
            let store = try server.makeStore(bucket: "flaky", partSizeMiB: 5)
            try await store.createBucketIfMissing()
            var expected: [BlobKey: [UInt8]] = [:]
            for index in 0..<12 {
                let payload = Self.bytes(index == 0 ? 12 << 20 : 50_000 + index, seed: UInt8(index))
                let staged = try await Self.stage(payload, in: store)
                let key = BlobKey.raw(sha256: staged.sha256)
                try await store.commit(staged, as: key)
                expected[key] = payload
            }
            let placed = try #require(expected.keys.sorted { $0.rawValue < $1.rawValue }.first)
            let target = BlobKey("media/unsorted/placed.bin")!
            #expect(try await store.place([Placement(original: placed, current: nil, target: target)]).isEmpty)
            expected[target] = expected[placed]
            #expect(server.failuresInjected >= 10, "the proxy failed \(server.failuresInjected) requests")

            // Every object once, whole, and no upload left unfinished: read straight from the server.
            let direct = try S3Store(
                settings: try S3Settings(
                    location: "s3://flaky/blobs",
                    environment: server.environment(bucket: "flaky").merging(
                        ["S3_ENDPOINT": "http://127.0.0.1:\(server.directPort)"]) { $1 }),
                stagingRoot: store.staging.root.string)
            let listing = try await direct.client.send(.init(.GET, nil, query: [("list-type", "2")]))
            let keys = try #require(S3XML.parse(Data(listing.body.readableBytesView))).children("Contents")
                .compactMap { $0.value("Key") }
            #expect(keys.sorted() == expected.keys.map { "blobs/" + $0.rawValue }.sorted())
            for (key, payload) in expected {
                #expect(try await Self.collect(direct.read(key, range: nil)) == payload, "\(key)")
            }
            let uploads = try await direct.client.send(.init(.GET, nil, query: [("uploads", "")]))
            #expect(
                S3XML.parse(Data(uploads.body.readableBytesView))?.children("Upload").isEmpty == true,
                "\(String(buffer: uploads.body))")
        }
    }
}
