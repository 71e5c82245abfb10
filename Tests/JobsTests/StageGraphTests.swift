import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Jobs
import Testing

@testable import TestSupport

/// The stage graph on the real queue: a diamond of four stages (`first`; `left` and `right`
/// after it; `last` after both), run by the in-process workers of a live server.
@Suite struct StageGraphTests {
    static func diamond(_ log: StageLog, leftVersion: String = "1", gate: Gate? = nil) -> [any ProcessingStage] {
        [
            TestStage(name: "first", log: log),
            TestStage(
                name: "left", version: leftVersion, requires: ["first"], failOnComment: "refuse", gate: gate, log: log),
            TestStage(name: "right", requires: ["first"], skippedKinds: [.json], log: log),
            TestStage(
                name: "last", requires: ["left", "right"],
                outputs: { asset, _ in
                    StageOutput(
                        metadata: ["summary": .string("made from \(asset.id)")],
                        derivedBlobs: [
                            DerivedBlob(
                                kind: "thumbnail", storageKey: "derived/\(asset.sha256)/thumb.webp",
                                mediaType: "image/webp", size: 10, width: 25, height: 25)
                        ],
                        vectors: [StageVector(model: "test-model", values: [1, 0, 0.5])],
                        tags: [StageTag("diamond", score: 0.9), StageTag("test", score: 0.5)])
                }, log: log),
        ]
    }

    static func ingest(
        _ client: some TestClientProtocol, key: String, image: Bool, comments: String = "fine"
    ) async throws -> (job: String, id: UUID) {
        var form = MultipartBody()
        if image {
            form.file(filename: "rocket.jpg", try Fixture.bytes("rocket.jpg"), type: "image/jpeg")
        } else {
            form.field("payload", #"{"graph":"\#(UUID().uuidString)"}"#)
        }
        form.field("comments", comments)
        let accepted = try await client.ingest(form, key: key).json()
        let id = try #require((accepted["system_ids"] as? [String])?.first.flatMap(UUID.init(uuidString:)))
        return (try #require(accepted["job_id"] as? String), id)
    }

    @Test func everyStageRunsOnceInAnOrderTheGraphAllowsAndTheStatusShowsEachOne() async throws {
        let log = StageLog()
        try await TestApp.run(pipeline: { _, _ in Pipeline(stages: Self.diamond(log)) }) { client, app in
            let image = try await Self.ingest(client, key: app.adminKey, image: true)
            let document = try await Self.ingest(client, key: app.adminKey, image: false)
            let imageStatus = try await client.waitForJob(image.job, key: app.adminKey)
            let documentStatus = try await client.waitForJob(document.job, key: app.adminKey)
            #expect(imageStatus["status"] as? String == "done")
            #expect(documentStatus["status"] as? String == "done")

            for asset in [image.id, document.id] {
                let runs = log.all.filter { $0.asset == asset }
                let order = { (stage: String) in try #require(runs.first { $0.stage == stage }).order }
                #expect(runs.filter { $0.stage == "first" }.count == 1)
                #expect(runs.filter { $0.stage == "left" }.count == 1)
                #expect(runs.filter { $0.stage == "last" }.count == 1)
                #expect(try order("first") < order("left"))
                #expect(try order("left") < order("last"))
                #expect(try await app.catalog.assets.find(asset)?.status == .ready)
            }
            // `right` ran for the image, after `first` and before `last`; a document skips it.
            let imageRight = log.runs(of: "right", for: image.id)
            #expect(imageRight.count == 1)
            #expect(log.runs(of: "first", for: image.id)[0].order < imageRight[0].order)
            #expect(imageRight[0].order < log.runs(of: "last", for: image.id)[0].order)
            #expect(log.runs(of: "right", for: document.id).isEmpty)

            let stages = try #require(
                ((documentStatus["items"] as? [[String: Any]])?.first?["stages"]) as? [[String: Any]])
            #expect(stages.map { $0["stage"] as? String } == ["first", "left", "right", "last"])
            #expect(stages.map { $0["state"] as? String } == ["done", "done", "skipped", "done"])
            #expect(stages[2]["reason"] as? String == "right does not apply to json assets")
            // `right` is not for documents: the graph skips it, so it is no job and no event of
            // the document's own, and `last` runs once `left` is done.
            let lineage = try await app.catalog.lineage.events(for: document.id, limit: 100).map(\.action)
            #expect(lineage == ["ingest.accepted", "stage.first.done", "stage.left.done", "stage.last.done"])
            let rows = try await app.catalog.client.query(
                "SELECT count(*)::int FROM jobs WHERE asset_id = \(document.id) AND stage = 'right'",
                logger: TestCluster.logger
            ).decode(Int.self).first { _ in true }
            #expect(rows == 0)
        }
    }

    @Test func aFailingStageFailsTheItemWithItsReasonAndItsDependantsNeverRun() async throws {
        let log = StageLog()
        try await TestApp.run(pipeline: { _, _ in Pipeline(stages: Self.diamond(log)) }) { client, app in
            let refused = try await Self.ingest(client, key: app.adminKey, image: true, comments: "refuse")
            let status = try await client.waitForJob(refused.job, key: app.adminKey)
            #expect(status["status"] as? String == "failed")
            let item = try #require((status["items"] as? [[String: Any]])?.first)
            #expect(item["error"] as? String == "left refuses assets commented 'refuse'")
            // `right` may have finished beside it; `last` never runs.
            try await eventually("the other branch to settle") {
                let stages = try await app.catalog.ingests.status(of: UUID(uuidString: refused.job)!)?.items[0].stages
                return stages?.contains { $0.state.isOpen } == false
            }
            #expect(log.runs(of: "last", for: refused.id).isEmpty)
            let stages = try await app.catalog.ingests.status(of: UUID(uuidString: refused.job)!)?.items[0].stages ?? []
            #expect(!stages.map(\.name).contains("last"))
            #expect(stages.first { $0.name == "left" }?.state == .failed)
            #expect(try await app.catalog.assets.find(refused.id)?.status == .failed)
        }
    }

    @Test func theCompletionWritesEveryTypedOutputWithTheJob() async throws {
        let log = StageLog()
        try await TestApp.run(pipeline: { _, _ in Pipeline(stages: Self.diamond(log)) }) { client, app in
            let image = try await Self.ingest(client, key: app.adminKey, image: true)
            _ = try await client.waitForJob(image.job, key: app.adminKey)
            let outputs = try await app.catalog.client.query(
                """
                SELECT (SELECT storage_key FROM derived_blobs WHERE asset_id = \(image.id) AND kind = 'thumbnail'),
                       (SELECT vector::text FROM embeddings WHERE asset_id = \(image.id) AND model = 'test-model'),
                       (SELECT string_agg(tag, ',' ORDER BY tag) FROM asset_tags WHERE asset_id = \(image.id))
                """, logger: TestCluster.logger)
            for try await (blob, vector, tags) in outputs.decode((String?, String?, String?).self) {
                #expect(blob?.hasPrefix("derived/") == true)
                #expect(vector == "[1,0,0.5]")
                #expect(tags == "diamond,test")
            }
            let asset = try #require(try await app.catalog.assets.find(image.id))
            #expect(asset.metadata["summary"] == .string("made from \(image.id)"))
            // What the earlier stages learned is still there beside it.
            #expect(asset.metadata["first_version"] == .string("1"))
            #expect(asset.metadata["left_version"] == .string("1"))
        }
    }
}
