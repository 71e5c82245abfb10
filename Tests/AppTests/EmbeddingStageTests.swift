import App
import Catalog
import Foundation
import HummingbirdTesting
import Imaging
import Jobs
import NIOCore
import Runtime
import Testing
import WireTypes

@testable import TestSupport

/// CLIP embeddings in pgvector: equal to what `afa model embed-image` computes for the same
/// pixels, skipped with a reason without a model, filled in once one is installed, and replaced
/// without a gap when the model changes.
@Suite struct EmbeddingStageTests {
    func pipeline(_ app: TestApp, model: URL?) throws -> Pipeline {
        // The tiny model's weights are random: its cosines are small, so no floor here.
        var configuration = try AppConfiguration(environment: ["TAG_MIN_SCORE": "-1"])
        configuration.storagePath = app.storageRoot
        configuration.embedding.modelDirectory = app.storageRoot.appending(path: "no-models")
        if let model { configuration.embedding.model = model.path }
        return try Runtime.ProcessingSetup(
            configuration, catalog: app.catalog, logger: TestCluster.logger, compute: TestCluster.compute
        ).pipeline
    }

    func upload(_ client: some TestClientProtocol, _ app: TestApp) async throws -> [String: UUID] {
        var form = MultipartBody()
        form.file(filename: "chelsea.png", try Fixture.bytes("chelsea.png"), type: "image/png")
        form.file(filename: "clip.webm", try Fixture.bytes("clip.webm"), type: "video/webm")
        let accepted = try JSONDecoder().decode(
            IngestAccepted.self, from: Data(try await client.ingest(form, key: app.adminKey).body.readableBytesView))
        return [
            "chelsea.png": try #require(UUID(uuidString: accepted.system_ids[0])),
            "clip.webm": try #require(UUID(uuidString: accepted.system_ids[1])),
        ]
    }

    func embedState(_ app: TestApp, _ id: UUID) async throws -> (state: String, reason: String?)? {
        let rows = try await app.catalog.client.query(
            "SELECT state, skip_reason FROM jobs WHERE asset_id = \(id) AND stage = 'embed'", logger: TestCluster.logger
        )
        for try await (state, reason) in rows.decode((String, String?).self) { return (state, reason) }
        return nil
    }

    func vectors(_ app: TestApp, _ id: UUID) async throws -> [(model: String, segment: Int, vector: [Float])] {
        let rows = try await app.catalog.client.query(
            "SELECT model, segment, vector::text FROM embeddings WHERE asset_id = \(id) ORDER BY segment",
            logger: TestCluster.logger)
        var result: [(String, Int, [Float])] = []
        for try await (model, segment, text) in rows.decode((String, Int, String).self) {
            result.append((model, segment, text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }))
        }
        return result
    }

    @Test func withoutAModelTheSemanticStageIsSkippedThenFilledInOnceOneIsInstalled() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let ids = try await upload(client, app)
            try await withWorkers(app.catalog, try pipeline(app, model: nil)) {
                try await eventually(timeout: .seconds(120), "the semantic stage to be skipped for both") {
                    for id in ids.values where try await embedState(app, id)?.state != "skipped" { return false }
                    for id in ids.values where try await app.catalog.assets.find(id)?.status != .ready { return false }
                    return true
                }
            }
            for id in ids.values {
                let reason = try await embedState(app, id)?.reason ?? ""
                #expect(reason.contains("no CLIP model") && reason.contains("afa model fetch"), "\(reason)")
                #expect(try await app.catalog.assets.find(id)?.status == .ready, "everything else still works")
                #expect(try await vectors(app, id).isEmpty)
            }
            // Thumbnails were made all the same.
            let thumbnail = try await client.call(
                .get, "/api/v1/objects/\(ids["chelsea.png"]!.uuidString.lowercased())/thumbnail", key: app.adminKey)
            #expect(thumbnail.status == .ok)

            // "Installing" the model: the workers start with it, and the skipped stages run.
            try await withWorkers(app.catalog, try pipeline(app, model: TinyModel.folder)) {
                try await eventually(timeout: .seconds(120), "the skipped stages to be filled in, tags too") {
                    for id in ids.values {
                        if try await embedState(app, id)?.state != "done" { return false }
                        if try await app.catalog.assets.tags(of: id).isEmpty { return false }
                    }
                    return true
                }
            }
            #expect(try await vectors(app, ids["chelsea.png"]!).map(\.segment) == [0])
            #expect(try await vectors(app, ids["clip.webm"]!).map(\.segment) == [0, 1, 2], "pooled + two segments")
        }
    }

    @Test func tagsCarryScoresAndAVocabularyChangeRetagsInTheBackground() async throws {
        // The API process knows the model too: re-tagging is only queued where tags can run.
        try await TestApp.run(workers: 0, configure: { $0.embedding.model = TinyModel.folder.path }) { client, app in
            let ids = try await upload(client, app)
            let photo = try #require(ids["chelsea.png"])
            try await withWorkers(app.catalog, try pipeline(app, model: TinyModel.folder)) {
                try await eventually(timeout: .seconds(120), "both to be tagged") {
                    for id in ids.values where try await app.catalog.assets.tags(of: id).isEmpty { return false }
                    return true
                }
                let described = try await client.call(
                    .get, "/api/v1/objects/\(photo.uuidString.lowercased())", key: app.adminKey
                ).json()
                let tags = try #require(described["tags"] as? [[String: Any]])
                #expect(!tags.isEmpty && tags.count <= 10)
                #expect(tags.allSatisfy { $0["score"] is Double && $0["source"] as? String == "tags" })
                let scores = tags.compactMap { $0["score"] as? Double }
                #expect(scores == scores.sorted(by: >), "best first")
                let before = try #require(tags.first?["tag"] as? String)

                // A user key may not change the vocabulary; an admin removes the best tag and adds a term.
                let mallory = try await app.userKey(owner: "mallory")
                let body = ByteBuffer(string: #"{"add": ["Sea  Otter"], "remove": ["\#(before)"]}"#)
                let refused = try await client.call(
                    .post, "/api/v1/admin/tags/vocabulary", key: mallory, contentType: "application/json", body: body)
                #expect(refused.status == .forbidden)
                let invalid = try await client.call(
                    .post, "/api/v1/admin/tags/vocabulary", key: app.adminKey, contentType: "application/json",
                    body: ByteBuffer(string: #"{"add": ["drop table; --"]}"#))
                #expect(invalid.errorCode == "invalid_term")
                let changed = try await client.call(
                    .post, "/api/v1/admin/tags/vocabulary", key: app.adminKey, contentType: "application/json",
                    body: body
                ).json()
                #expect(changed["added"] as? [String] == ["sea otter"])
                #expect(changed["removed"] as? [String] == [before])
                #expect(changed["requeued"] as? Int == 2)
                try await eventually(timeout: .seconds(120), "the photo to be tagged again without the removed term") {
                    let events = try await app.catalog.lineage.events(for: photo, limit: 100)
                    return events.filter { $0.action == "stage.tags.done" }.count == 2
                }
                #expect(try await app.catalog.assets.tags(of: photo).allSatisfy { $0.tag != before })
                let vocabulary = try await client.call(.get, "/api/v1/admin/tags/vocabulary", key: app.adminKey).json()
                let terms = try #require(vocabulary["terms"] as? [[String: Any]])
                #expect(terms.contains { $0["term"] as? String == "sea otter" && $0["origin"] as? String == "admin" })
                #expect(terms.contains { $0["term"] as? String == before && $0["enabled"] as? Bool == false })
                #expect(vocabulary["enabled"] as? Int == BuiltInVocabulary.terms.count)
            }
        }
    }

    @Test func vectorsEqualTheCommandsForTheSamePixelsAndAModelChangeLeavesNoGap() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let ids = try await upload(client, app)
            try await withWorkers(app.catalog, try pipeline(app, model: TinyModel.folder)) {
                try await eventually(timeout: .seconds(120), "both to be embedded") {
                    for id in ids.values where try await embedState(app, id)?.state != "done" { return false }
                    return true
                }
            }
            // The stored vector of every still and segment against `afa model embed-image` on the
            // pixels the media stage kept for CLIP.
            let directory = FileManager.default.temporaryDirectory.appending(path: "afa-embed-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var checked = 0
            for (name, id) in ids {
                for stored in try await vectors(app, id) where stored.segment > 0 || name == "chelsea.png" {
                    let kind = DerivedKind.clipInput(segment: name == "chelsea.png" ? nil : stored.segment)
                    let blob = try #require(try await app.catalog.assets.derivedBlob(of: id, kind: kind))
                    let path = app.storageRoot.appending(path: blob.storageKey)
                    let pixels = try ImageRenderer.pixels(ofImage: Array(try Data(contentsOf: path)))
                    let ppm = directory.appending(path: "\(name)-\(stored.segment).ppm")
                    try Data(Array("P6\n\(pixels.width) \(pixels.height)\n255\n".utf8) + pixels.bytes).write(to: ppm)
                    let (status, output) = try await AfaProcess.run(
                        ["model", "embed-image", TinyModel.folder.path, ppm.path, "--json"], environment: [:])
                    #expect(status == 0, "\(output)")
                    let json = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") })
                    let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                    let reference = try #require((parsed?["embeddings"] as? [[Double]])?.first).map { Float($0) }
                    let cosine = zip(reference, stored.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                    #expect(cosine >= 0.9999, "\(name) segment \(stored.segment): cosine \(cosine)")
                    checked += 1
                }
            }
            #expect(checked == 3)

            // Another model: every asset is re-embedded in the background, and at no moment has
            // an asset no vector.
            try await withWorkers(app.catalog, try pipeline(app, model: TinyModel.halfPrecisionFolder)) {
                try await eventually(timeout: .seconds(120), "everything to be re-embedded with the new model") {
                    for id in ids.values {
                        let stored = try await vectors(app, id)
                        #expect(!stored.isEmpty, "an asset without a vector during the change")
                        if stored.contains(where: { $0.model != TinyModel.halfPrecisionFolder.path }) { return false }
                    }
                    return true
                }
            }
            let dimensions = try await app.catalog.client.query(
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'embeddings_hnsw_32'", logger: TestCluster.logger)
            for try await count in dimensions.decode(Int.self) {
                #expect(count == 1, "the HNSW index of the dimension")
            }
        }
    }
}
