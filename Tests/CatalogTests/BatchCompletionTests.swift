import Catalog
import Foundation
import Jobs
import PostgresNIO
import Testing

@testable import TestSupport

/// A batch claimed in one statement and completed in one transaction records, for each job,
/// exactly what completing it alone would: its `done`, its metadata, its lineage event, its
/// follow-ups and its asset's status. A lost lease loses only its own job.
@Suite struct BatchCompletionTests {
    static let root = StageReference(name: "first", version: "1")

    /// first → (left, right) → last, planned as the graph plans it.
    static let graph = Pipeline(stages: [
        TestStage(name: "first", log: StageLog()),
        TestStage(name: "left", requires: ["first"], log: StageLog()),
        TestStage(name: "right", requires: ["first"], log: StageLog()),
        TestStage(name: "last", requires: ["left", "right"], log: StageLog()),
    ])

    func completions(_ jobs: [ClaimedJob], kind: AssetKind = .json) -> [StageCompletion] {
        jobs.map { job in
            StageCompletion(
                job: job, version: "1", output: StageOutput(metadata: ["\(job.stage)_done": true]),
                followUps: { Self.graph.followUps(after: job.stage, kind: kind, states: $0) })
        }
    }

    func claimAll(_ catalog: CatalogDatabase, limit: Int = 100) async throws -> [ClaimedJob] {
        try await catalog.jobs.claim(
            worker: "batch", lease: .seconds(60), stages: ["first", "left", "right", "last"], limit: limit)
    }

    @Test func aBatchRecordsWhatEachCompletionWouldAloneAndTheJoinIsNotMissed() async throws {
        try await withCatalog { catalog, _ in
            let ids = try await recordAssets(5, kind: .json, in: catalog, root: Self.root)
            let firsts = try await claimAll(catalog)
            #expect(firsts.count == 5 && Set(firsts.map(\.stage)) == ["first"])
            // The claim read each asset's row with the job.
            #expect(Set(firsts.compactMap(\.asset?.id)) == Set(ids))
            #expect(try await catalog.jobs.complete(completions(firsts), actor: "batch").isEmpty)

            // Both branches of every asset in one batch: the second of each asset is recorded in
            // a round of its own, after the first, and sees it done, so `last` is queued once.
            let branches = try await claimAll(catalog)
            #expect(branches.count == 10)
            #expect(try await catalog.jobs.complete(completions(branches), actor: "batch").isEmpty)
            let lasts = try await claimAll(catalog)
            #expect(lasts.map(\.stage) == Array(repeating: "last", count: 5))
            #expect(try await catalog.jobs.complete(completions(lasts), actor: "batch").isEmpty)

            for id in ids {
                let asset = try #require(try await catalog.assets.find(id))
                #expect(asset.status == .ready)
                for stage in ["first", "left", "right", "last"] {
                    #expect(asset.metadata["\(stage)_done"] == .bool(true))
                }
                let actions = try await catalog.lineage.events(for: id, limit: 10).map(\.action)
                #expect(actions.count == 5 && actions.first == "ingest.accepted" && actions.last == "stage.last.done")
            }
            let report = try await catalog.lineageVerifier.verify()
            #expect(report.intact)
        }
    }

    @Test func aLostLeaseLosesOnlyItsOwnJob() async throws {
        try await withCatalog { catalog, _ in
            let ids = try await recordAssets(3, kind: .json, in: catalog, root: Self.root)
            let jobs = try await claimAll(catalog)
            // Another worker took the second job over (its lease expired).
            try await catalog.client.query(
                "UPDATE jobs SET lease_token = gen_random_uuid() WHERE id = \(jobs[1].id)", logger: TestCluster.logger)
            let lost = try await catalog.jobs.complete(completions(jobs), actor: "batch")
            #expect(lost == [jobs[1].id])
            for job in jobs {
                let asset = try #require(try await catalog.assets.find(job.assetID))
                #expect((asset.metadata["first_done"] == .bool(true)) == (job.id != jobs[1].id))
                let events = try await catalog.lineage.count(for: job.assetID)
                #expect(events == (job.id == jobs[1].id ? 1 : 2))
            }
            #expect(Set(jobs.map(\.assetID)) == Set(ids))
        }
    }

    /// A worker that died with a batch in flight (a document that kills it, a deploy): its jobs
    /// come back one per claim, so each spends its own attempts, not its batch-mates'.
    @Test func aBatchWhoseWorkerDiedComesBackOneJobAtATime() async throws {
        try await withCatalog { catalog, _ in
            _ = try await recordAssets(3, kind: .json, in: catalog, root: Self.root)
            let lost = try await catalog.jobs.claim(
                worker: "dies", lease: .milliseconds(50), stages: ["first"], limit: 16)
            #expect(lost.count == 3)
            var retaken: [ClaimedJob] = []
            try await eventually("the lost jobs to be claimable again") {
                let claimed = try await claimAll(catalog)
                #expect(claimed.count <= 1)
                retaken += claimed
                return retaken.count == 3
            }
            #expect(Set(retaken.map(\.id)) == Set(lost.map(\.id)))
            #expect(retaken.allSatisfy { $0.attempt == 2 })
            // Waiting jobs are still taken as a batch.
            _ = try await recordAssets(2, kind: .json, in: catalog, root: Self.root)
            let mixed = try await claimAll(catalog, limit: 2)
            #expect(mixed.count == 2 && mixed.allSatisfy { $0.attempt == 1 })
        }
    }

    @Test func aBatchClaimTakesTheOldestJobsOnceAndAtMostTheLimit() async throws {
        try await withCatalog { catalog, _ in
            _ = try await recordAssets(7, kind: .json, in: catalog, root: Self.root)
            let first = try await claimAll(catalog, limit: 4)
            let second = try await claimAll(catalog, limit: 4)
            #expect(first.count == 4 && second.count == 3)
            #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            #expect(first.map(\.id).max()! < second.map(\.id).min()!)
            #expect(try await claimAll(catalog).isEmpty)
        }
    }
}
