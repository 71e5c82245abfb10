import Catalog
import Foundation
import Jobs
import PostgresNIO
import Testing

@testable import TestSupport

/// A stage's version bump re-runs it, and only what requires it, for every asset, while the
/// older results stay readable until the new ones replace them.
@Suite struct VersionedStageTests {
    func allReady(_ catalog: CatalogDatabase, _ ids: [UUID]) async throws -> Bool {
        for id in ids where try await catalog.assets.find(id)?.status != .ready { return false }
        return true
    }

    func vector(_ catalog: CatalogDatabase, _ id: UUID) async throws -> String? {
        let rows = try await catalog.client.query(
            "SELECT vector::text FROM embeddings WHERE asset_id = \(id)", logger: TestCluster.logger)
        for try await text in rows.decode(String.self) { return text }
        return nil
    }

    static func lastWithVersionedVector(_ log: StageLog) -> TestStage {
        TestStage(
            name: "last", requires: ["left", "right"],
            outputs: { asset, _ in
                // What `last` makes depends on what `left` made, as an embedding depends on a decode.
                let left = asset.metadata["left_version"] == .string("2") ? Float(2) : 1
                return StageOutput(vectors: [StageVector(model: "m", values: [left, 0])])
            }, log: log)
    }

    static func graph(_ log: StageLog, leftVersion: String, gate: Gate? = nil) -> Pipeline {
        Pipeline(stages: [
            TestStage(name: "first", log: log),
            TestStage(name: "left", version: leftVersion, requires: ["first"], gate: gate, log: log),
            TestStage(name: "right", requires: ["first"], log: log),
            lastWithVersionedVector(log),
        ])
    }

    @Test func bumpingAVersionRerunsThatStageAndItsDependantsOnly() async throws {
        try await withCatalog { catalog, _ in
            let before = StageLog()
            let root = StageReference(name: "first", version: "1")
            let ids = try await recordAssets(3, kind: .image, in: catalog, root: root)
            try await withWorkers(catalog, Self.graph(before, leftVersion: "1")) {
                try await eventually("every asset to be ready at version 1") { try await allReady(catalog, ids) }
            }
            #expect(before.all.count == 12)

            let after = StageLog()
            let gate = Gate()
            // As many workers as assets, each taking one job at a time, so every `left@2` can be
            // held at the gate at once.
            try await withWorkers(
                catalog, Self.graph(after, leftVersion: "2", gate: gate), concurrency: 3,
                configure: { $0.claimBatch = [:] }
            ) {
                try await eventually("left@2 to start on every asset") { gate.arrived == 3 }
                // Mid-way: every old result is still there to read.
                for id in ids {
                    let asset = try #require(try await catalog.assets.find(id))
                    #expect(asset.metadata["left_version"] == .string("1"))
                    #expect(try await vector(catalog, id) == "[1,0]")
                }
                gate.open()
                try await eventually("every asset to be ready at version 2") {
                    try await allReady(catalog, ids)
                        && after.all.filter { $0.stage == "last" }.count == 3
                }
            }
            for id in ids {
                #expect(after.runs(of: "left", for: id).map(\.version) == ["2"])
                #expect(after.runs(of: "last", for: id).count == 1)
                #expect(after.runs(of: "first", for: id).isEmpty)
                #expect(after.runs(of: "right", for: id).isEmpty)
                // `last` ran after the new `left`, on its result.
                #expect(after.runs(of: "left", for: id)[0].order < after.runs(of: "last", for: id)[0].order)
                #expect(try await vector(catalog, id) == "[2,0]")
                let asset = try #require(try await catalog.assets.find(id))
                #expect(asset.metadata["left_version"] == .string("2"))
                let done = try await catalog.lineage.events(for: id, limit: 100).filter {
                    $0.action == "stage.left.done"
                }
                #expect(done.map { $0.detail["version"] } == [.string("1"), .string("2")])
            }
        }
    }

    @Test func aStageNewToTheGraphRunsForAssetsThatAlreadyPassedItsRequirements() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let root = StageReference(name: "first", version: "1")
            let ids = try await recordAssets(2, kind: .json, in: catalog, root: root)
            try await withWorkers(catalog, Pipeline(stages: [TestStage(name: "first", log: log)])) {
                try await eventually("the assets to be ready") { try await allReady(catalog, ids) }
            }
            let grown = Pipeline(stages: [
                TestStage(name: "first", log: log), TestStage(name: "added", requires: ["first"], log: log),
            ])
            try await withWorkers(catalog, grown) {
                try await eventually("the new stage to run for both") {
                    ids.allSatisfy { !log.runs(of: "added", for: $0).isEmpty }
                }
                try await eventually("the assets to be ready again") { try await allReady(catalog, ids) }
            }
            #expect(ids.allSatisfy { log.runs(of: "first", for: $0).count == 1 })
        }
    }

    @Test func reprocessingOnDemandFollowsTheFilterAndIsAudited() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let pipeline = Self.graph(log, leftVersion: "1")
            let root = StageReference(name: "first", version: "1")
            let alice = try await recordAssets(2, kind: .image, in: catalog, root: root, owner: "alice")
            let bob = try await recordAssets(1, kind: .image, in: catalog, root: root, owner: "bob")
            try await withWorkers(catalog, pipeline) {
                try await eventually("all ready") { try await allReady(catalog, alice + bob) }
                let queued = try await Reprocessing(catalog: catalog, pipeline: pipeline, maxAttempts: 3)
                    .reprocess(stage: "right", filter: AssetFilter(owner: "alice"), actor: "test-admin")
                #expect(queued == 2)
                try await eventually("right and last to run again for alice") {
                    alice.allSatisfy { log.runs(of: "last", for: $0).count == 2 }
                }
                try await eventually("all ready again") { try await allReady(catalog, alice + bob) }
            }
            #expect(bob.allSatisfy { log.runs(of: "right", for: $0).count == 1 })
            #expect(alice.allSatisfy { log.runs(of: "left", for: $0).count == 1 })
            await #expect(throws: Reprocessing.UnknownStage.self) {
                try await Reprocessing(catalog: catalog, pipeline: pipeline, maxAttempts: 3)
                    .reprocess(stage: "nope", filter: AssetFilter(), actor: "test-admin")
            }
            let audit = try await catalog.lineage.events(for: .other(.task, key: "reprocess:right"), limit: 10)
            #expect(audit.map(\.action) == ["stage.right.reprocess"])
            #expect(audit.first?.actor == "test-admin")
            #expect(try await catalog.lineageVerifier.verify().intact)
        }
    }
}
