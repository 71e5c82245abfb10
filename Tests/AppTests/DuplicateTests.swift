import App
import Catalog
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// Duplicates as a photo library has them: re-encoded and resized copies, the same pixels in
/// another file, burst shots that only look alike, and photos that merely differ. Grouped with
/// their tier and evidence, resolved into one keeper, dismissed for good, restored from the trash.
@Suite struct DuplicateTests {
    @Test func copiesAreGroupedByTierResolvedIntoTheKeeperAndDismissalsStick() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let rocket = try Fixture.bytes("rocket.jpg")
            let smaller = try ImageVariants.make("rocket.jpg", ["-vf", "scale=iw*0.6:-2", "-q:v", "12"], format: "jpg")
            let chelsea = try Fixture.bytes("chelsea.png")
            let samePixels = try ImageVariants.make("chelsea.png", ["-compression_level", "1"], format: "png")
            #expect(samePixels != chelsea, "another file")
            let burst = try [1.5, 4.5].map {
                ImageVariants.withExif(
                    try ImageVariants.frame("clip.webm", at: $0), make: "Canon", model: "EOS R6",
                    taken: $0 < 2 ? "2024:07:14 16:32:05" : "2024:07:14 16:32:06")
            }
            let ids = try await Organising.upload(
                [
                    .init(name: "rocket.jpg", bytes: rocket, type: "image/jpeg"),
                    .init(name: "chelsea.png", bytes: chelsea, type: "image/png"),
                    .init(name: "chelsea-again.png", bytes: samePixels, type: "image/png"),
                    .init(name: "burst-1.jpg", bytes: burst[0], type: "image/jpeg"),
                    .init(name: "burst-2.jpg", bytes: burst[1], type: "image/jpeg"),
                    .init(name: "astronaut.png", bytes: try Fixture.bytes("astronaut.png"), type: "image/png"),
                ], client: client, key: app.adminKey)
            let copy = try await Organising.upload(
                [.init(name: "rocket-small.jpg", bytes: smaller, type: "image/jpeg")], comments: "sent from my phone",
                client: client, key: app.adminKey)[0]
            let (original, cat, catCopy, burstA, burstB, astronaut) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])
            try await Organising.settle(app, ids + [copy])
            let shot = try #require(try await app.catalog.assets.find(burstA))
            #expect(
                shot.metadata["exif"]?["captured_at"] == .string("2024-07-14T16:32:05"), "the camera's facts are read")

            let groups = try await Organising.openProposals(app, kind: .duplicate)
            let rocketGroup = try #require(
                groups.first { Organising.members($0) == [original, copy] }, "\(groups.map(\.summary))")
            let catGroup = try #require(groups.first { Organising.members($0) == [cat, catCopy] })
            #expect(groups.count == 2, "nothing else is a duplicate: \(groups.map(\.summary))")
            for group in groups {
                let members = Organising.members(group)
                #expect(!(members.contains(burstA) && members.contains(burstB)), "burst shots are different pictures")
                #expect(!members.contains(astronaut))
            }
            let rocketPayload = try JSONDecoder().decode(DuplicateProposal.self, from: Data(rocketGroup.payload.utf8))
            #expect(rocketPayload.tier == .nearExact)
            #expect(rocketPayload.keeper == original, "the larger picture is kept")
            #expect(rocketPayload.keeperReason.contains("largest"))
            #expect((rocketPayload.pairs.first?.evidence.hashDistance ?? 99) <= 8)
            let catPayload = try JSONDecoder().decode(DuplicateProposal.self, from: Data(catGroup.payload.utf8))
            #expect(catPayload.tier == .pixelIdentical)

            // The admin's view: reasons, scores and thumbnails.
            let listed = try await client.call(.get, "/api/v1/proposals?kind=duplicate", key: app.adminKey).json()
            let shown = try #require(
                (listed["proposals"] as? [[String: Any]])?.first { $0["id"] as? String == rocketGroup.id.text })
            #expect((shown["thumbnails"] as? [String: String])?[copy.text]?.hasSuffix("/thumbnail?size=small") == true)
            #expect(((shown["payload"] as? [String: Any])?["keeper_reason"] as? String)?.isEmpty == false)

            // Resolving keeps the original, with the copy's tags and comment; the copy goes to the trash.
            let tagsBefore = try await carriedTagCount(app, original)
            #expect(tagsBefore == 0)
            let resolved = try await client.call(
                .post, "/api/v1/duplicates/\(rocketGroup.id.text)/resolve", key: app.adminKey)
            #expect(resolved.status == .ok)
            try await Organising.settle(app, [])
            let keeper = try #require(try await app.catalog.assets.find(original))
            #expect(keeper.comments == "sent from my phone")
            #expect(try await carriedTagCount(app, original) > 0, "the copy's tags are carried over")
            let trashed = try #require(try await app.catalog.assets.find(copy))
            #expect(trashed.trashedAt != nil)
            #expect(trashed.placementKey == "media/trash/\(copy.text).jpg")
            #expect(try await Organising.actions(app, asset: copy).contains("asset.trashed"))
            #expect(try await Organising.actions(app, asset: original).contains("asset.kept"))
            let listing = try await client.call(.get, "/api/v1/objects?limit=100", key: app.adminKey).json()
            let listedIDs = (listing["items"] as? [[String: Any]] ?? []).compactMap { $0["system_id"] as? String }
            #expect(!listedIDs.contains(copy.text), "the trash is not listed with the media")
            #expect(
                try await client.call(.get, "/api/v1/trash", key: app.adminKey).json().description.contains(copy.text))

            // "Not a duplicate" is remembered per pair, through a re-embedding and a new pass.
            let dismissed = try await client.call(
                .post, "/api/v1/proposals/\(catGroup.id.text)/reject", key: app.adminKey)
            #expect(dismissed.status == .ok)
            let passesBefore = try await passCount(app)
            let reprocess = try await client.call(
                .post, "/api/v1/admin/reprocess", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"stage": "embed"}"#))
            #expect(reprocess.status == .accepted)
            try await eventually(timeout: .seconds(120), "a pass after the re-embedding") {
                try await passCount(app) > passesBefore
            }
            try await Organising.settle(app, ids)
            let after = try await Organising.openProposals(app, kind: .duplicate)
            #expect(
                !after.contains { Organising.members($0).isSuperset(of: [cat, catCopy]) },
                "a dismissed pair never returns")
            #expect(!after.contains { Organising.members($0).contains(copy) }, "the trash is not grouped")

            // Restore brings the copy back to the unsorted folder.
            let restored = try await client.call(.post, "/api/v1/trash/\(copy.text)/restore", key: app.adminKey)
            #expect(restored.status == .ok)
            try await Organising.settle(app, [])
            let back = try #require(try await app.catalog.assets.find(copy))
            #expect(back.trashedAt == nil)
            #expect(back.placementKey == "media/unsorted/\(copy.text).jpg")
            #expect(try await Organising.actions(app, asset: copy).contains("asset.restored"))
            let view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files.count == 7)
        }
    }

    /// Videos compare scene by scene: a re-encode is a duplicate, a different clip that opens with
    /// the same two seconds of black is not.
    @Test func videosAreComparedByTheirScenesNotTheirBlackOpening() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let ids = try await Organising.upload(
                [
                    .init(
                        name: "launch.mp4", bytes: try ImageVariants.clipOpeningInBlack("rocket.jpg", seconds: 4),
                        type: "video/mp4"),
                    .init(
                        name: "launch-small.mp4",
                        bytes: try ImageVariants.clipOpeningInBlack("rocket.jpg", seconds: 4, quality: 38),
                        type: "video/mp4"),
                    .init(
                        name: "cat.mp4", bytes: try ImageVariants.clipOpeningInBlack("chelsea.png", seconds: 4),
                        type: "video/mp4"),
                ], client: client, key: app.adminKey)
            try await Organising.settle(app, ids)
            let groups = try await Organising.openProposals(app, kind: .duplicate)
            #expect(groups.map(Organising.members) == [[ids[0], ids[1]]], "\(groups.map(\.summary))")
            let payload = try JSONDecoder().decode(
                DuplicateProposal.self, from: Data(try #require(groups.first).payload.utf8))
            #expect(payload.tier == .nearExact)
            #expect(payload.pairs.first?.evidence.matchedSegments == 1)
        }
    }

    func carriedTagCount(_ app: TestApp, _ id: UUID) async throws -> Int {
        let rows = try await app.catalog.client.query(
            "SELECT count(*)::int FROM asset_tags WHERE asset_id = \(id) AND source = 'carried'",
            logger: TestCluster.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    func passCount(_ app: TestApp) async throws -> Int {
        let rows = try await app.catalog.client.query(
            "SELECT count(*)::int FROM lineage WHERE subject_type = 'task' AND action = 'task.organise.pass.done'",
            logger: TestCluster.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
