import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import PostgresNIO
import Storage
import Testing

@testable import TestSupport

/// Small documents are kept in the catalog, committed with their asset row: no file, no flush of
/// the file system. Everything a client can do with a stored document works the same.
@Suite struct InlineDocumentTests {
    static let document = #"{"sensor":"s-1","reading":42,"tags":["a","b"]}"#

    @Test func aSmallDocumentIsKeptInTheCatalogAndServedAsSent() async throws {
        try await TestApp.run { client, app in
            let accepted = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: Self.document)
            ).json()
            let id = try #require((accepted["system_ids"] as? [String])?.first)
            let status = try await client.waitForJob(try #require(accepted["job_id"] as? String), key: app.adminKey)
            #expect(status["status"] as? String == "done")

            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            let uri = try #require(object["storage_uri"] as? String)
            #expect(uri.hasPrefix("inline/"))
            #expect(((object["metadata"] as? [String: Any])?["verified_sha256"] as? Bool) == true)
            // Nothing was written to the blob store, not even a staging file.
            #expect(try Self.files(under: app.storageRoot).isEmpty)

            let content = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(String(buffer: content.body) == Self.document)
            #expect(content.headers[.contentLength] == String(Self.document.utf8.count))
            let partial = try await client.call(
                .get, "/api/v1/objects/\(id)/content", key: app.adminKey, headers: [.range: "bytes=1-8"])
            #expect(partial.status == .partialContent)
            #expect(String(buffer: partial.body) == #""sensor""#)
        }
    }

    /// A small document is verified by the ingest that places it (hashed from the bytes its own
    /// statement stores, parsed whole): it is ready when the 202 comes back, every stage settled,
    /// with no worker running and no job left for one; its lineage says what was settled then.
    /// The stages that are not for JSON are shown skipped, with their reason, but have no job row.
    @Test func aSmallDocumentIsReadyWhenAccepted() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let accepted = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: "[\(Self.document), {\"sensor\":\"s-2\"}]")
            ).json()
            let jobID = try #require(accepted["job_id"] as? String)
            let status = try await client.call(.get, "/api/v1/ingest/\(jobID)/status", key: app.adminKey).json()
            #expect(status["status"] as? String == "done")
            let items = try #require(status["items"] as? [[String: Any]])
            #expect(items.count == 2)
            for item in items {
                let stages = try #require(item["stages"] as? [[String: Any]])
                let states = Dictionary(uniqueKeysWithValues: stages.map { ($0["stage"] as? String ?? "", $0) })
                #expect(states["verify"]?["state"] as? String == "done")
                for stage in ["media", "embed", "tags", "organise"] {
                    #expect(states[stage]?["state"] as? String == "skipped", "\(stage)")
                    #expect((states[stage]?["reason"] as? String)?.isEmpty == false, "\(stage) says why")
                }
            }
            let open = try await app.catalog.client.query(
                "SELECT count(*)::int FROM jobs WHERE asset_id IS NOT NULL AND state IN ('queued', 'processing')",
                logger: TestCluster.logger
            ).decode(Int.self).first { _ in true }
            #expect(open == 0)
            let rows = try await app.catalog.client.query(
                "SELECT stage FROM jobs WHERE asset_id IS NOT NULL", logger: TestCluster.logger
            ).decode(String.self).reduce(into: [String]()) { $0.append($1) }
            #expect(rows == ["verify", "verify"])

            let id = try #require((accepted["system_ids"] as? [String])?.first)
            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            #expect(object["status"] as? String == "ready")
            let metadata = try #require(object["metadata"] as? [String: Any])
            #expect(metadata["verified_sha256"] as? Bool == true)
            #expect(metadata["detected_kind"] as? String == "json")
            let shape = try #require(metadata["json"] as? [String: Any])
            #expect(shape["type"] as? String == "object")
            #expect(shape["top_level_keys"] as? Int == 3)
            #expect(shape["bytes"] as? Int == Self.document.utf8.count)

            let events = try await app.catalog.lineage.events(for: try #require(UUID(uuidString: id)), limit: 10)
            #expect(events.map(\.action) == ["ingest.accepted"])
            let settled = try #require(events.first?.detail["stages_at_ingest"])
            #expect(settled == ["verify": "done"])
        }
    }

    /// A document kept in the blob store is read back by its `verify` job, as files are.
    @Test func aDocumentOverTheLimitGoesToTheBlobStore() async throws {
        try await TestApp.run(configure: { $0.inlineDocumentBytes = 16 }) { client, app in
            let accepted = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: Self.document)
            ).json()
            let id = try #require((accepted["system_ids"] as? [String])?.first)
            let status = try await client.waitForJob(try #require(accepted["job_id"] as? String), key: app.adminKey)
            let item = try #require((status["items"] as? [[String: Any]])?.first)
            let verify = try #require(
                (item["stages"] as? [[String: Any]])?.first { $0["stage"] as? String == "verify" })
            #expect(verify["attempts"] as? Int == 1, "verified by a worker")
            let object = try await client.call(.get, "/api/v1/objects/\(id)", key: app.adminKey).json()
            #expect((object["storage_uri"] as? String)?.hasPrefix("raw/") == true)
            #expect(try Self.files(under: app.storageRoot).count == 1)
            let content = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(String(buffer: content.body) == Self.document)
        }
    }

    /// Two owners sending the same bytes get an asset each and share one stored copy, as files do.
    @Test func theSameDocumentFromTwoOwnersIsKeptOnce() async throws {
        try await TestApp.run(workers: 0) { client, app in
            for owner in ["ann", "bob"] {
                let response = try await client.call(
                    .post, "/api/v1/ingest", key: try await app.userKey(owner: owner), contentType: "application/json",
                    body: ByteBuffer(string: Self.document))
                #expect(response.status == .accepted)
            }
            let counts = try await app.catalog.client.query(
                "SELECT (SELECT count(*) FROM assets)::int, (SELECT count(*) FROM inline_blobs)::int",
                logger: TestCluster.logger)
            for try await (assets, blobs) in counts.decode((Int, Int).self) {
                #expect(assets == 2 && blobs == 1)
            }
        }
    }

    /// The bytes kept in the catalog are proven like files are: the blob audit names bytes that
    /// changed after they were accepted, and their download is refused.
    @Test func changedInlineBytesAreFoundByTheAuditAndRefusedForDownload() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let accepted = try await client.call(
                .post, "/api/v1/ingest", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: Self.document)
            ).json()
            let text = try #require((accepted["system_ids"] as? [String])?.first)
            let id = try #require(UUID(uuidString: text))
            try await app.catalog.client.query(
                "UPDATE inline_blobs SET content = convert_to('{\"sensor\":\"forged\"}', 'UTF8')",
                logger: TestCluster.logger)
            let download = try await client.call(.get, "/api/v1/objects/\(id)/content", key: app.adminKey)
            #expect(download.status == .internalServerError)
            #expect(!String(buffer: download.body).contains("forged"))

            let store = InlineAwareStore(base: try FileSystemStore(root: app.storageRoot.path), catalog: app.catalog)
            let report = try await BlobAudit(catalog: app.catalog, store: store).run()
            #expect(report.checked == 1)
            #expect(report.findings.map(\.assetID) == [id])
        }
    }

    /// The store's files; the lock files naming running processes (`.staging-leases`) hold no bytes.
    static func files(under root: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in
            guard !path.hasPrefix(".staging-leases") else { return false }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root.appending(path: path).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
    }
}
