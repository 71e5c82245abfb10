import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WireTypes

@testable import TestSupport

/// Running a stage again on demand: the admin route and `afa reprocess`.
@Suite struct ReprocessTests {
    func verifyRuns(_ catalog: CatalogDatabase, _ id: UUID) async throws -> Int {
        try await catalog.lineage.events(for: id, limit: 100).filter { $0.action == "stage.verify.done" }.count
    }

    @Test func theAdminRouteRerunsAStageForTheMatchingObjectsOnly() async throws {
        try await TestApp.run { client, app in
            var form = MultipartBody()
            form.field("payload", #"[{"doc":1},{"doc":2}]"#)
            form.file(filename: "rocket.jpg", try Fixture.bytes("rocket.jpg"), type: "image/jpeg")
            let accepted = try JSONDecoder().decode(
                IngestAccepted.self, from: Data(try await client.ingest(form, key: app.adminKey).body.readableBytesView)
            )
            _ = try await client.waitForJob(accepted.job_id, key: app.adminKey)
            let ids = accepted.system_ids.compactMap(UUID.init(uuidString:))

            func reprocess(_ body: String, key: String) async throws -> TestResponse {
                try await client.call(
                    .post, "/api/v1/admin/reprocess", key: key, contentType: "application/json",
                    body: ByteBuffer(string: body))
            }
            let userKey = try await app.userKey(owner: "mallory")
            #expect(try await reprocess(#"{"stage":"verify"}"#, key: userKey).status == .forbidden)
            let unknown = try await reprocess(#"{"stage":"nope"}"#, key: app.adminKey)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "unknown_stage")
            #expect(
                try await reprocess(#"{"stage":"verify","kind":"spreadsheet"}"#, key: app.adminKey).errorCode
                    == "invalid_kind")

            let response = try await reprocess(#"{"stage":"verify","kind":"json"}"#, key: app.adminKey)
            #expect(response.status == .accepted)
            let queued = try JSONDecoder().decode(ReprocessQueued.self, from: Data(response.body.readableBytesView))
            #expect(queued == ReprocessQueued(stage: "verify", queued: 2))
            // The documents were verified by the ingest that placed them; now a worker does it.
            try await eventually("both documents to be verified again") {
                let first = try await verifyRuns(app.catalog, ids[0])
                let second = try await verifyRuns(app.catalog, ids[1])
                return first == 1 && second == 1
            }
            #expect(try await verifyRuns(app.catalog, ids[2]) == 1)
            try await eventually("the documents to be ready again") {
                try await app.catalog.assets.find(ids[0])?.status == .ready
            }
        }
    }

    @Test func theCommandRerunsAStageStraightOnTheDatabase() async throws {
        try await withCatalog { catalog, database in
            let ids = try await recordAssets(3, kind: .json, in: catalog, root: .verify, owner: "olga")
            let data = FileManager.default.temporaryDirectory.appending(path: "afa-reprocess-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let environment = ["DATABASE_URL": database.url, "AFA_DATA": data.path]
            // Mark them verified, as a finished worker would have.
            try await catalog.client.query(
                "UPDATE jobs SET state = 'done' WHERE stage = 'verify'", logger: TestCluster.logger)
            let (status, output) = try await AfaProcess.run(
                ["reprocess", "--stage", "verify", "--owner", "olga"], environment: environment)
            #expect(status == 0, "\(output)")
            #expect(output.contains("queued verify for 3 assets"))
            let queued = try await catalog.jobs.list(state: .queued, limit: 10).compactMap(\.assetID)
            #expect(Set(queued) == Set(ids))
            let (refused, message) = try await AfaProcess.run(
                ["reprocess", "--stage", "nope"], environment: environment)
            #expect(refused != 0)
            #expect(message.contains("no stage named 'nope'"))
        }
    }
}

/// Found by Schemathesis: `POST /admin/reprocess` while a worker completed a stage of the same
/// asset deadlocked in PostgreSQL, and the request was a 500.
@Suite struct ReprocessConcurrencyTests {
    @Test func aReprocessingWaitsForACompletionOfTheSameAsset() async throws {
        try await withCatalog { catalog, _ in
            let id = try #require(try await recordAssets(1, kind: .json, in: catalog, root: .verify).first)
            try await catalog.client.query("UPDATE jobs SET state = 'done'", logger: TestCluster.logger)
            let reprocessing = try await catalog.client.withTransaction(logger: TestCluster.logger) { connection in
                // What a completion does first: the asset's lock, then its row…
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended('lineage:' || \(id)::text, 0))::text",
                    logger: TestCluster.logger)
                try await connection.query(
                    "UPDATE assets SET updated_at = now() WHERE id = \(id)", logger: TestCluster.logger)
                let reprocessing = Task {
                    try await catalog.jobs.reprocess(
                        StageReference(name: "verify", version: "2"), filter: AssetFilter(), applicableKinds: [.json],
                        limit: 10)
                }
                try await eventually("the reprocessing to wait for the completion") {
                    try await catalog.client.query("SELECT count(*)::int FROM pg_locks WHERE NOT granted")
                        .decode(Int.self).first { _ in true } ?? 0 > 0
                }
                // …then the asset's jobs (its follow-ups), while the reprocessing waits.
                try await connection.query(
                    "UPDATE jobs SET updated_at = now() WHERE asset_id = \(id)", logger: TestCluster.logger)
                return reprocessing
            }
            #expect(try await reprocessing.value == 1, "the reprocessing queues the stage once the completion is in")
            let job = try await catalog.jobs.list(state: .queued, limit: 10).first
            #expect(job?.assetID == id)
        }
    }
}
