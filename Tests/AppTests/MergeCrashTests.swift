import AsyncHTTPClient
import Catalog
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// `kill -9` of the real server in the middle of a merge that moves hundreds of files; after a
/// restart every asset's file is exactly where its metadata says and nowhere else.
@Suite struct MergeCrashTests {
    @Test func aServerKilledMidMergeLeavesEveryFileWhereItsMetadataSays() async throws {
        try await withCatalog { catalog, database in
            let data = FileManager.default.temporaryDirectory.appending(path: "afa-merge-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let port = try freePort()
            let environment = [
                "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "2",
                "JOB_LEASE_SECONDS": "2", "JOB_POLL_MS": "100", "EMBEDDING_MODEL": TinyModel.folder.path,
                "TAG_MIN_SCORE": "-1", "ORGANISE_DELAY_MS": "500", "DUPLICATE_SIMILARITY": "0.9999",
                // Small batches: the merge takes long enough to be caught in the middle.
                "PLACEMENT_BATCH": "2",
            ]
            let first = try AfaProcess(["serve"], environment: environment, name: "merge-crash")
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(first)
            let key = try await catalog.apiKeys.create(role: .admin, owner: "merge").key

            var ids: [String] = []
            for (fixture, count) in [("rocket.jpg", 200), ("chelsea.png", 12)] {
                var form = MultipartBody()
                for (index, bytes) in try ImageVariants.crops(fixture, count: count, width: 96).enumerated() {
                    form.file(filename: "\(fixture)-\(index).jpg", bytes, type: "image/jpeg")
                }
                let accepted = try await http.json(
                    .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
                ids += accepted["system_ids"] as? [String] ?? []
            }
            #expect(ids.count == 212)
            #expect(Set(ids).count == 212, "every crop is a picture of its own")

            // Approve whatever clusters the pass proposes, and wait until every file is in place.
            try await eventually(timeout: .seconds(600), "the media to be organised") {
                guard try await openCount(catalog, "SELECT count(*)::int FROM assets WHERE status <> 'ready'") == 0,
                    try await idle(catalog)
                else { return false }
                return try await catalog.proposals.list(kind: .cluster, owner: nil, state: .open, limit: 10).count >= 2
            }
            // The admin's review at the terminal: `afa review` lists them, `--approve` decides each.
            let cli = ["--server", "http://127.0.0.1:\(port)", "--key", key]
            let (listed, listing) = try await AfaProcess.run(
                ["review", "--kind", "cluster", "--no-input"] + cli, environment: environment)
            #expect(listed == 0, "\(listing)")
            let open = try await catalog.proposals.list(kind: .cluster, owner: nil, state: .open, limit: 10)
            for proposal in open {
                #expect(listing.contains(proposal.id.text) && listing.contains("members ("), "\(listing)")
                let (code, output) = try await AfaProcess.run(
                    ["review", "--approve", proposal.id.text] + cli, environment: environment)
                #expect(code == 0 && output.contains("approved"), "\(output)")
            }
            try await eventually(timeout: .seconds(120), "the approved clusters' files to move") {
                try await idle(catalog)
            }
            let clusters = try await catalog.clusters.list(owner: "merge").sorted { $0.memberCount > $1.memberCount }
            let (largest, other) = (try #require(clusters.first), try #require(clusters.last))
            #expect(largest.memberCount >= 190, "the rockets in one cluster: \(clusters.map(\.memberCount))")

            // Merge the largest into another; kill the server while its files are moving.
            let (status, _) = try await http.request(
                .PATCH, "/api/v1/clusters/\(largest.id.text)", key: key, contentType: "application/json",
                body: ByteBuffer(string: #"{"merge_into": "\#(other.id.text)"}"#))
            #expect(status == 200)
            var remaining = 0
            try await eventually(timeout: .seconds(60), "the merge's first files to move") {
                remaining = try await openCount(catalog, "SELECT count(*)::int FROM placement_moves")
                return remaining < largest.memberCount
            }
            first.kill9()
            remaining = try await openCount(catalog, "SELECT count(*)::int FROM placement_moves")
            #expect(remaining > 0, "the crash should land in the middle of the merge")

            let second = try AfaProcess(["serve"], environment: environment, name: "merge-restart")
            try await HTTPDriver(base: "http://127.0.0.1:\(port)").waitUntilHealthy(second)
            try await eventually(timeout: .seconds(120), "the moves to be finished after the restart") {
                try await idle(catalog)
            }
            let view = try await FolderView.read(root: data.appending(path: "blobs"), catalog: catalog)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files.count == Set(ids).count, "every asset has its one file")
            let target = try #require(try await catalog.clusters.cluster(other.id))
            #expect(view.files(in: "media/clusters/\(target.slug)/").count == largest.memberCount + other.memberCount)
            #expect(try await second.stop() == 0)
        }
    }

    func openCount(_ catalog: CatalogDatabase, _ sql: String) async throws -> Int {
        let rows = try await catalog.client.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// No move recorded and no organise or placement work waiting.
    func idle(_ catalog: CatalogDatabase) async throws -> Bool {
        try await openCount(
            catalog,
            """
            SELECT (SELECT count(*) FROM placement_moves)::int
                 + (SELECT count(*) FROM jobs WHERE stage IN ('organise.pass', 'placement')
                      OR (stage = 'organise' AND state IN ('queued', 'processing')))::int
            """) == 0
    }
}
