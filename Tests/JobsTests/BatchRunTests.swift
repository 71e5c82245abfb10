import Catalog
import Foundation
import Jobs
import PostgresNIO
import Testing

@testable import TestSupport

/// A worker of quick stages claims a batch and completes it in one transaction; what goes wrong
/// with one job of the batch stays with that job.
@Suite struct BatchRunTests {
    /// Six assets in one batch: one the stage refuses, one whose output PostgreSQL cannot store
    /// (a vector holding NaN, which pgvector refuses), which fails the batch's transaction. The refused one fails with its
    /// reason at once, the unstorable one fails alone when the batch is completed job by job, and
    /// the other four are done.
    @Test func aRefusedStageAndAnUnstorableOutputFailOnlyTheirOwnAssets() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let marks = [1: "refuse", 4: "poison"]
            let ids = try await recordAssets(
                6, kind: .json, in: catalog, root: StageReference(name: "only", version: "1"),
                comments: { marks[$0] }, maxAttempts: 1)
            let stage = TestStage(
                name: "only", failOnComment: "refuse",
                outputs: { asset, _ in
                    StageOutput(vectors: asset.comments == "poison" ? [StageVector(model: "m", values: [.nan])] : [])
                }, log: log)
            try await withWorkers(catalog, Pipeline(stages: [stage]), concurrency: 1) {
                try await eventually("every asset to be finished") {
                    var finished = 0
                    for id in ids where [.ready, .failed].contains(try await catalog.assets.find(id)?.status) {
                        finished += 1
                    }
                    return finished == ids.count
                }
            }
            // One claim took all six: each ran exactly once.
            #expect(ids.allSatisfy { log.runs(of: "only", for: $0).count == 1 })
            for (index, id) in ids.enumerated() {
                let asset = try #require(try await catalog.assets.find(id))
                let (state, lastError) = try await job(of: id, in: catalog)
                switch marks[index] {
                case "refuse":
                    #expect(asset.status == .failed && state == "failed")
                    #expect(lastError?.contains("refuses") == true)
                case "poison":
                    #expect(asset.status == .failed && state == "dead")
                    #expect(lastError?.contains("SQLSTATE") == true)
                default:
                    #expect(asset.status == .ready && state == "done")
                    #expect(asset.metadata["only_version"] == .string("1"))
                }
            }
            #expect(try await catalog.lineageVerifier.verify().intact)
        }
    }

    /// The second job of a claim waits while the first runs past the lease's length: the
    /// claim's heartbeat keeps its lease too, so the idle worker beside never takes it over.
    @Test func aJobWaitingItsTurnInABatchKeepsItsLease() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let gate = Gate()
            let ids = try await recordAssets(
                2, kind: .json, in: catalog, root: StageReference(name: "slow", version: "1"))
            let stage = TestStage(name: "slow", gate: gate, log: log)
            try await withWorkers(
                catalog, Pipeline(stages: [stage]), concurrency: 2, configure: { $0.lease = .seconds(3) }
            ) {
                try await eventually("the first stage to wait at the gate") { gate.arrived == 1 }
                let claimed = try await leaseEnds(catalog)
                // Held at the gate for longer than a lease: without the heartbeat, the waiting
                // job's lease would have run out and the idle worker taken it over.
                try await eventually("both leases to be extended past their first length") {
                    let now = try await leaseEnds(catalog)
                    return now.count == 2 && now.allSatisfy { id, end in end > claimed[id]! + 3.5 }
                }
                gate.open()
                try await eventually("both assets to be ready") {
                    var ready = 0
                    for id in ids where try await catalog.assets.find(id)?.status == .ready { ready += 1 }
                    return ready == 2
                }
            }
            #expect(ids.allSatisfy { log.runs(of: "slow", for: $0).count == 1 })
            let attempts = try await catalog.client.query("SELECT max(attempts) FROM jobs", logger: TestCluster.logger)
            for try await most in attempts.decode(Int.self) { #expect(most == 1) }
        }
    }

    /// Each running job's lease end, in seconds since the epoch.
    func leaseEnds(_ catalog: CatalogDatabase) async throws -> [Int64: Double] {
        let rows = try await catalog.client.query(
            "SELECT id, extract(epoch FROM lease_until)::float8 FROM jobs WHERE state = 'processing'",
            logger: TestCluster.logger)
        var ends: [Int64: Double] = [:]
        for try await (id, end) in rows.decode((Int64, Double).self) { ends[id] = end }
        return ends
    }

    func job(of asset: UUID, in catalog: CatalogDatabase) async throws -> (String, String?) {
        let rows = try await catalog.client.query(
            "SELECT state, last_error FROM jobs WHERE asset_id = \(asset)", logger: TestCluster.logger)
        for try await row in rows.decode((String, String?).self) { return row }
        throw TimedOut(what: "a job of asset \(asset)")
    }
}
