import Catalog
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import Storage
@testable import TestSupport

/// Many machines, shown on one: an API node and two worker nodes as separate processes sharing
/// one PostgreSQL and one S3 endpoint (moto's server); `afa migrate-storage` moving a running
/// deployment's blobs from the filesystem to S3.
@Suite(.serialized) struct ScaleOutTests {
    func temporaryDataRoot() -> URL {
        FileManager.default.temporaryDirectory.appending(path: "afa-data-\(UUID().uuidString)")
    }

    func count(_ catalog: CatalogDatabase, _ sql: PostgresQuery) async throws -> Int {
        try await catalog.client.query(sql).decode(Int.self).first { _ in true } ?? 0
    }

    /// 500 documents stored in S3 (`INLINE_DOCUMENT_BYTES=0`), each read back by a `verify` job on
    /// a worker node; one worker is killed with SIGKILL while it holds jobs, which the other
    /// finishes once their lease runs out. Every job is completed exactly once.
    @Test func anAPINodeAndTwoWorkersShareOneDatabaseAndOneBucket() async throws {
        try await S3TestServer.run { s3 in
            try await s3.makeStore(bucket: "scale-out").createBucketIfMissing()
            try await withCatalog { catalog, database in
                let port = try freePort()
                let shared =
                    [
                        "DATABASE_URL": database.url, "INLINE_DOCUMENT_BYTES": "0", "JOB_LEASE_SECONDS": "2",
                        "JOB_POLL_MS": "100", "WORKER_THREADS": "2",
                    ].merging(s3.environment(bucket: "scale-out")) { $1 }
                // Each node has a data folder of its own, as on its own machine: only the database and
                // the bucket are shared.
                let api = try AfaProcess(
                    ["serve"],
                    environment: shared.merging(
                        ["AFA_DATA": temporaryDataRoot().path, "PORT": "\(port)", "WORKER_THREADS": "0"]) { $1 },
                    name: "api-node")
                let workers = try (0..<2).map {
                    try AfaProcess(
                        ["worker"], environment: shared.merging(["AFA_DATA": temporaryDataRoot().path]) { $1 },
                        name: "worker-node-\($0)")
                }
                let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
                try await http.waitUntilHealthy(api)
                try await eventually("the workers to start") {
                    workers.allSatisfy { $0.output.contains("worker started") }
                }
                let key = try await catalog.apiKeys.create(role: .user, owner: "scale-out").key
                let documents = (0..<500).map { #"{"n":\#($0),"node":"api"}"# }.joined(separator: ",")
                let (status, _) = try await http.request(
                    .POST, "/api/v1/ingest", key: key, contentType: "application/json",
                    body: ByteBuffer(string: "[\(documents)]"))
                #expect(status == 202)

                // Kill the first worker while it holds jobs.
                let victim = "%:\(workers[0].process.processIdentifier)#%"
                var held: [Int] = []
                try await eventually(timeout: .seconds(60), "the first worker to hold jobs") {
                    held = try await catalog.client.query(
                        "SELECT id FROM jobs WHERE state = 'processing' AND leased_by LIKE \(victim)"
                    ).decode(Int.self).reduce(into: []) { $0.append($1) }
                    return !held.isEmpty
                }
                workers[0].kill9()

                try await eventually(timeout: .seconds(120), "500 jobs to finish") {
                    try await doneCount(catalog) == 500
                }
                let completions = try await completionsPerAsset(catalog)
                #expect(completions.count == 500)
                #expect(completions.values.allSatisfy { $0 == 1 }, "no job runs to completion twice")
                let survivor = "%:\(workers[1].process.processIdentifier)#%"
                let takenOver = try await count(
                    catalog, "SELECT count(*)::int FROM jobs WHERE id = ANY(\(held)) AND leased_by LIKE \(survivor)")
                #expect(takenOver > 0, "the killed worker's jobs were finished by the other")
                #expect(try await count(catalog, "SELECT count(*)::int FROM jobs WHERE leased_by LIKE \(survivor)") > 0)

                // The documents are objects of the bucket, read back through the API node.
                let store = try s3.makeStore(bucket: "scale-out")
                let listing = try await store.client.send(.init(.GET, nil, query: [("list-type", "2")]))
                let keys = try #require(S3XML.parse(Data(listing.body.readableBytesView))).children("Contents")
                #expect(keys.count == 500)
                let id = try #require(completions.keys.first).uuidString.lowercased()
                let (contentStatus, content) = try await http.request(.GET, "/api/v1/objects/\(id)/content", key: key)
                #expect(contentStatus == 200)
                #expect(String(buffer: content).hasSuffix(#","node":"api"}"#))
                for process in [workers[1], api] { #expect(try await process.stop() == 0) }
            }
        }
    }

    /// Objects under the bucket's `blobs/` prefix, by key, with their sizes.
    func objects(_ store: S3Store) async throws -> [String: Int64] {
        var objects: [String: Int64] = [:]
        for try await page in store.list(prefix: "") {
            for blob in page { objects[blob.key.rawValue] = blob.size }
        }
        return objects
    }

    /// A deployment on the filesystem moves to S3: the copy is interrupted with SIGKILL half-way,
    /// resumed, and ends with every blob in the bucket, readable through an API node on S3. A node
    /// still configured for the filesystem then refuses to start, saying where the blobs are.
    @Test func migrateStorageInterruptedHalfWayAndResumedEndsWithEveryBlobInS3() async throws {
        try await S3TestServer.run { s3 in
            let bucket = try s3.makeStore(bucket: "migrated")
            try await bucket.createBucketIfMissing()
            try await withCatalog { catalog, database in
                let data = temporaryDataRoot()
                let port = try freePort()
                let local = [
                    "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "2",
                    "INLINE_DOCUMENT_BYTES": "0", "JOB_POLL_MS": "100",
                ]
                var credentials = s3.environment(bucket: "migrated")
                let location = credentials.removeValue(forKey: "STORAGE_BACKEND") ?? ""
                let server = try AfaProcess(["serve"], environment: local, name: "before-migration")
                let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
                try await http.waitUntilHealthy(server)
                let key = try await catalog.apiKeys.create(role: .user, owner: "migrating").key
                var form = MultipartBody()
                let photos = ["rocket.jpg", "chelsea.png", "coffee.png"]
                for name in photos { form.file(filename: name, try Fixture.bytes(name)) }
                let documents = (0..<300).map { #"{"n":\#($0)}"# }
                for (index, document) in documents.enumerated() {
                    form.file(filename: "doc-\(index).json", Array(document.utf8), type: "application/json")
                }
                let (status, body) = try await http.request(
                    .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
                #expect(status == 202)
                let ids = try #require(
                    (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?[
                        "system_ids"] as? [String])
                try await eventually(timeout: .seconds(180), "every asset processed and placed") {
                    try await count(
                        catalog,
                        """
                        SELECT ((SELECT count(*) FROM assets WHERE status <> 'ready')
                             + (SELECT count(*) FROM jobs WHERE stage IN ('organise.pass', 'placement')
                                  OR (stage = 'organise' AND state IN ('queued', 'processing')))
                             + (SELECT count(*) FROM placement_moves)
                             + (SELECT count(*) FROM assets WHERE kind = 'image' AND placement_key IS NULL))::int
                        """) == 0
                }
                #expect(try await server.stop() == 0)

                var blobs: [String: Int64] = [:]
                for try await page in try FileSystemStore(root: data.appending(path: "blobs").path).list(prefix: "") {
                    for blob in page { blobs[blob.key.rawValue] = blob.size }
                }
                #expect(blobs.count > 300, "uploads, thumbnails, previews and the folder view: \(blobs.count)")

                let migrate = ["migrate-storage", "--to", location]
                let environment = local.merging(credentials) { $1 }
                let (planned, plan) = try await AfaProcess.run(migrate + ["--dry-run"], environment: environment)
                #expect(planned == 0, "\(plan)")
                #expect(plan.contains("dry run: \(blobs.count) blobs"), "\(plan)")
                #expect(try await objects(bucket).isEmpty, "a dry run copies nothing")

                let interrupted = try AfaProcess(
                    migrate + ["--concurrency", "1"], environment: environment, name: "migrate-interrupted")
                try await eventually(timeout: .seconds(120), "a third of the blobs to be copied") {
                    try await objects(bucket).count >= blobs.count / 3
                }
                interrupted.kill9()
                let copiedBeforeKill = try await objects(bucket).count
                #expect(copiedBeforeKill < blobs.count, "the migration was cut short")

                let (resumed, output) = try await AfaProcess.run(migrate, environment: environment)
                #expect(resumed == 0, "\(output)")
                #expect(output.contains("were there already"), "\(output)")
                #expect(try await objects(bucket) == blobs, "every blob in the bucket, at its size")

                // The catalog knows where the blobs are now.
                let (refused, why) = try await AfaProcess.run(["serve"], environment: local)
                #expect(refused != 0)
                #expect(why.contains("set STORAGE_BACKEND=\(location)"), "\(why)")

                let onS3 = try AfaProcess(
                    ["serve"], environment: environment.merging(["STORAGE_BACKEND": location]) { $1 }, name: "after")
                try await http.waitUntilHealthy(onS3)
                for (index, name) in photos.enumerated() {
                    let (code, content) = try await http.request(
                        .GET, "/api/v1/objects/\(ids[index])/content", key: key)
                    #expect(code == 200)
                    #expect(Array(content.readableBytesView) == (try Fixture.bytes(name)))
                    let (thumbnail, _) = try await http.request(
                        .GET, "/api/v1/objects/\(ids[index])/thumbnail?size=small", key: key)
                    #expect(thumbnail == 200)
                }
                for (index, document) in documents.enumerated() {
                    let (code, content) = try await http.request(
                        .GET, "/api/v1/objects/\(ids[photos.count + index])/content", key: key)
                    #expect(code == 200 && String(buffer: content) == document)
                }
                let history = try await catalog.lineage.events(
                    for: .other(.task, key: "migrate-storage"), limit: 10
                ).map(\.action)
                #expect(history.filter { $0 == "storage.migration.finished" }.count == 1)
                #expect(try await onS3.stop() == 0)
            }
        }
    }
}
