import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

/// The queue across real worker processes: one killed with SIGKILL in the middle of the stage
/// graph, two sharing one keyed task.
@Suite(.serialized) struct WorkerProcessTests {
    func count(_ catalog: CatalogDatabase, _ query: PostgresQuery) async throws -> Int {
        for try await value in try await catalog.client.query(query, logger: TestCluster.logger).decode(Int.self) {
            return value
        }
        return 0
    }

    static func worker(_ pipeline: String, _ database: TestDatabase, stageMS: Int, name: String) throws -> AfaProcess {
        try AfaProcess(
            [pipeline],
            environment: [
                "DATABASE_URL": database.url, "WORKER_THREADS": "4", "JOB_LEASE_SECONDS": "2", "JOB_POLL_MS": "100",
                "FIXTURE_STAGE_MS": "\(stageMS)", "JOB_RETRY_BASE_MS": "100",
            ], name: name, executable: AfaProcess.fixtureWorker)
    }

    @Test func aWorkerKilledMidGraphLeavesEveryStageDoneExactlyOnce() async throws {
        try await withCatalog { catalog, database in
            let ids = try await recordAssets(
                24, kind: .image, in: catalog, root: StageReference(name: "first", version: "1"))
            let doneEvents: PostgresQuery = "SELECT count(*)::int FROM lineage WHERE action LIKE 'stage.%.done'"
            let first = try Self.worker("diamond", database, stageMS: 150, name: "diamond-1")
            try await eventually("the first worker to be part way through") {
                try await count(catalog, doneEvents) >= 20
            }
            first.kill9()
            let doneAtKill = try await count(catalog, doneEvents)
            #expect(doneAtKill < 24 * 4, "the kill must come before the end to prove anything")
            let second = try Self.worker("diamond", database, stageMS: 10, name: "diamond-2")
            try await eventually(timeout: .seconds(60), "every asset to be ready") {
                try await count(catalog, "SELECT count(*)::int FROM assets WHERE status = 'ready'") == ids.count
            }
            #expect(try await second.stop() == 0)
            for id in ids {
                let actions = try await catalog.lineage.events(for: id, limit: 100).map(\.action)
                for stage in ["first", "left", "right", "last"] {
                    #expect(actions.filter { $0 == "stage.\(stage).done" }.count == 1, "\(id) \(stage): \(actions)")
                }
            }
            // The jobs the killed worker held were taken over after their lease, not lost.
            #expect(try await count(catalog, "SELECT count(*)::int FROM jobs WHERE state <> 'done'") == 0)
            #expect(try await catalog.lineageVerifier.verify().intact)
        }
    }

    @Test func twoWorkerProcessesNeverRunTheSameTaskAtOnce() async throws {
        try await withCatalog { catalog, database in
            // The fixture's log table, made here: two workers creating it at once would race.
            try await catalog.client.query(
                """
                CREATE TABLE fixture_task_runs (
                    id serial PRIMARY KEY, key text NOT NULL, worker text NOT NULL,
                    started_at timestamptz NOT NULL DEFAULT clock_timestamp(), ended_at timestamptz)
                """, logger: TestCluster.logger)
            let workers = try (1...2).map { try Self.worker("tasks", database, stageMS: 150, name: "tasks-\($0)") }
            try await eventually("both workers to start") { workers.allSatisfy { $0.output.contains("ready") } }
            let runs: PostgresQuery = "SELECT count(*)::int FROM fixture_task_runs"
            for round in 1...6 {
                // Two requests per round: one may start at once, the second waits its turn.
                for _ in 0..<2 {
                    try await catalog.jobs.enqueue(TaskRequest(kind: "exclusive", key: "exclusive:one"), actor: "test")
                }
                try await eventually("run \(round) to start") { try await count(catalog, runs) >= round }
            }
            try await eventually("every request to be served") {
                try await count(
                    catalog, "SELECT count(*)::int FROM jobs WHERE task_key = 'exclusive:one'") == 0
            }
            for worker in workers { #expect(try await worker.stop() == 0, "\(worker.output)") }
            let overlapping = try await count(
                catalog,
                """
                SELECT count(*)::int FROM fixture_task_runs a JOIN fixture_task_runs b
                  ON a.id < b.id AND a.key = b.key AND b.started_at < a.ended_at AND a.started_at < b.ended_at
                """)
            #expect(try await count(catalog, runs) >= 6)
            #expect(overlapping == 0)
            #expect(try await count(catalog, "SELECT count(*)::int FROM fixture_task_runs WHERE ended_at IS NULL") == 0)
        }
    }
}
