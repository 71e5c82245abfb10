import Catalog
import Foundation
import Jobs
import PostgresNIO
import Testing

@testable import TestSupport

/// The queue's guarantees, on real PostgreSQL: one claimant per job, leases that expire,
/// completion only by the lease holder, backoff and a dead letter.
@Suite struct JobQueueTests {
    func enqueueDocuments(_ count: Int, _ catalog: CatalogDatabase, maxAttempts: Int = 3) async throws -> [UUID] {
        let assets = (0..<count).map { index in
            let digest = String(format: "%064x", index + 1)
            return NewAsset(
                kind: .json, sha256: digest, size: 2, mediaType: "application/json", originalFilename: nil,
                storageKey: "raw/test/\(digest)", comments: nil, metadata: [:])
        }
        return try await catalog.ingests.record(
            owner: "queue-test", assets: assets, firstStage: .verify, maxAttempts: maxAttempts, actor: "test"
        ).assetIDs
    }

    @Test func concurrentClaimsNeverHandOneJobToTwoWorkers() async throws {
        try await withCatalog { catalog, _ in
            _ = try await enqueueDocuments(60, catalog)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [Int64] = []
                        while let job = try await catalog.jobs.claim(worker: "w\(worker)", lease: .seconds(60)) {
                            mine.append(job.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 60)
            #expect(Set(claimed).count == 60)
        }
    }

    @Test func anExpiredLeaseIsTakenOverAndTheOldHolderCannotComplete() async throws {
        try await withCatalog { catalog, _ in
            _ = try await enqueueDocuments(1, catalog)
            // Long enough that the claim just after it still finds it held on a loaded machine.
            let first = try #require(try await catalog.jobs.claim(worker: "crashed", lease: .seconds(3)))
            #expect(try await catalog.jobs.claim(worker: "other", lease: .seconds(60)) == nil)
            var second: ClaimedJob?
            try await eventually("the lease to expire") {
                second = try await catalog.jobs.claim(worker: "other", lease: .seconds(60))
                return second != nil
            }
            let takeover = try #require(second)
            #expect(takeover.id == first.id)
            #expect(takeover.attempt == 2)
            await #expect(throws: LeaseLost.self) {
                try await catalog.jobs.complete(first, metadata: ["done": true], actor: "crashed")
            }
            try await catalog.jobs.complete(takeover, metadata: ["done": true], actor: "other")
            let asset = try #require(try await catalog.assets.find(takeover.assetID))
            #expect(asset.status == .ready)
            let done = try await catalog.lineage.events(for: asset.id, limit: 1000).filter {
                $0.action == "stage.verify.done"
            }
            #expect(done.count == 1)
        }
    }

    @Test func failuresBackOffThenTheJobIsDeadWithItsLastError() async throws {
        try await withCatalog { catalog, _ in
            let assetID = try #require(try await enqueueDocuments(1, catalog, maxAttempts: 2).first)
            let first = try #require(try await catalog.jobs.claim(worker: "w", lease: .seconds(60)))
            try await catalog.jobs.fail(
                first, reason: "disk hiccup", retryable: true, backoff: .seconds(30), actor: "w")
            // Backing off: not runnable yet.
            #expect(try await catalog.jobs.claim(worker: "w", lease: .seconds(60)) == nil)
            #expect(try await catalog.jobs.countsByState()[.queued] == 1)
            try await catalog.client.query("UPDATE jobs SET run_after = now()")
            let second = try #require(try await catalog.jobs.claim(worker: "w", lease: .seconds(60)))
            try await catalog.jobs.fail(
                second, reason: "disk hiccup again", retryable: true, backoff: .zero, actor: "w")
            let dead = try await catalog.jobs.list(state: .dead, limit: 10)
            #expect(dead.map(\.lastError) == ["disk hiccup again"])
            #expect(try await catalog.assets.find(assetID)?.status == .failed)
            let actions = try await catalog.lineage.events(for: assetID, limit: 1000).map(\.action)
            #expect(actions == ["ingest.accepted", "stage.verify.dead"])

            #expect(try await catalog.jobs.retry(jobID: dead[0].id, actor: "admin"))
            #expect(try await catalog.jobs.claim(worker: "w", lease: .seconds(60)) != nil)
        }
    }

    @Test func unprocessableContentFailsAtOnce() async throws {
        try await withCatalog { catalog, _ in
            _ = try await enqueueDocuments(1, catalog, maxAttempts: 5)
            let job = try #require(try await catalog.jobs.claim(worker: "w", lease: .seconds(60)))
            try await catalog.jobs.fail(job, reason: "not JSON", retryable: false, backoff: .zero, actor: "w")
            #expect(try await catalog.jobs.list(state: .failed, limit: 10).map(\.lastError) == ["not JSON"])
        }
    }

    @Test func aJobWhoseWorkerDiesOnEveryAttemptEndsDead() async throws {
        try await withCatalog { catalog, _ in
            _ = try await enqueueDocuments(1, catalog, maxAttempts: 1)
            let job = try #require(try await catalog.jobs.claim(worker: "dies", lease: .milliseconds(50)))
            try await eventually("the job to be declared dead") {
                #expect(try await catalog.jobs.claim(worker: "other", lease: .seconds(60)) == nil)
                try await catalog.jobs.buryExpiredLastAttempts()
                return try await catalog.jobs.countsByState()[.dead] == 1
            }
            #expect(try await catalog.assets.find(job.assetID)?.status == .failed)
        }
    }

    @Test func migrationsApplyOnceEvenFromManyProcessesAtOnce() async throws {
        try await withCatalog { catalog, _ in
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await catalog.migrator.migrate() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.isEmpty })  // withCatalog already migrated
            #expect(try await catalog.migrator.pendingVersions().isEmpty)
        }
    }
}
