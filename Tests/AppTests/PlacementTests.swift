import Catalog
import Foundation
import Organise
import Storage
import Testing

@testable import Processing
@testable import TestSupport

/// Moves between folders are crash-safe: whatever step a crash interrupts, performing the
/// recorded moves again leaves every file exactly where the catalog says, and nowhere else.
@Suite struct PlacementTests {
    struct Crash: Error {}

    @Test func aMoveCutShortAnywhereIsFinishedByTheNextRun() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let ids = try await Organising.upload(
                ["rocket.jpg", "chelsea.png", "coffee.png"].map {
                    Organising.File(
                        name: $0, bytes: try Fixture.bytes($0), type: $0.hasSuffix("jpg") ? "image/jpeg" : "image/png")
                }, client: client, key: app.adminKey)
            let assets = try await ids.asyncMap { try #require(try await app.catalog.assets.find($0)) }
            let store = try FileSystemStore(root: app.storageRoot.path)
            let task = PlacementTask(catalog: app.catalog, store: store, batch: 2)
            let moves = app.catalog.placementMoves
            func request(_ folder: (AssetRecord) -> String) async throws {
                try await Organising.requestMoves(assets, app: app, to: folder)
            }

            // A crash after the files moved, before the catalog heard of it.
            try await request { FolderLayout.unsorted($0.id, mediaType: $0.mediaType) }
            await #expect(throws: Crash.self) {
                _ = try await moves.performPending(owner: "admin", limit: 10) { pending in
                    _ = try await store.place(try pending.map(PlacementTask.placement))
                    throw Crash()
                }
            }
            var view = try await Organising.folderView(app)
            #expect(view.files.count == 3 && view.placements.isEmpty, "moved on disk, not yet on record")
            #expect(try await moves.pendingCount() == 3)
            _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/unsorted/").count == 3)
            #expect(try await moves.pendingCount() == 0)

            // A crash in the middle of a batch: one file moved, the others not.
            try await request { FolderLayout.cluster("trip", $0.id, mediaType: $0.mediaType) }
            await #expect(throws: Crash.self) {
                _ = try await moves.performPending(owner: "admin", limit: 10) { pending in
                    _ = try await store.place([try PlacementTask.placement(pending[0])])
                    throw Crash()
                }
            }
            view = try await Organising.folderView(app)
            #expect(view.files(in: "media/clusters/trip/").count == 1)
            _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/trip/").count == 3)

            // A crash after a rename, then a decision that sends the file elsewhere before the task
            // ran again: the file moves on from where the crash left it, and nothing stays behind.
            try await request { FolderLayout.cluster("first", $0.id, mediaType: $0.mediaType) }
            await #expect(throws: Crash.self) {
                _ = try await moves.performPending(owner: "admin", limit: 10) { pending in
                    _ = try await store.place(try pending.map(PlacementTask.placement))
                    throw Crash()
                }
            }
            try await request { FolderLayout.cluster("second", $0.id, mediaType: $0.mediaType) }
            _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/second/").count == 3)
            #expect(view.files(in: "media/clusters/first/").isEmpty)

            // A placed file lost outside the service comes back from the original on its next move.
            let lost = try #require(try await app.catalog.assets.find(assets[0].id)?.placementKey)
            try FileManager.default.removeItem(at: app.storageRoot.appending(path: lost))
            try await request { FolderLayout.unsorted($0.id, mediaType: $0.mediaType) }
            _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            let restored = try Data(
                contentsOf: app.storageRoot.appending(path: "media/unsorted/\(assets[0].id.text).jpg"))
            #expect(Array(restored) == (try Fixture.bytes("rocket.jpg")))
            let moved = try await app.catalog.lineage.events(for: assets[1].id, limit: 20).filter {
                $0.action == "asset.moved"
            }
            #expect(moved.count == 4, "each completed move once in lineage")
        }
    }
}

/// The trash keeps what an admin resolved away until the periodic purge, which removes its
/// content and files but keeps the asset's history.
@Suite struct TrashPurgeTests {
    @Test func thePurgeEmptiesTheTrashAndKeepsTheHistory() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let rocket = try Fixture.bytes("rocket.jpg")
            let ids = try await Organising.upload(
                [
                    .init(name: "rocket.jpg", bytes: rocket, type: "image/jpeg"),
                    .init(name: "copy.jpg", bytes: rocket + [0xFF, 0xD9], type: "image/jpeg"),
                ], client: client, key: app.adminKey)
            let store = try FileSystemStore(root: app.storageRoot.path)
            let placement = PlacementTask(catalog: app.catalog, store: store)
            try await app.catalog.placementMoves.request(
                ids.map { .init(assetID: $0, target: FolderLayout.unsorted($0, mediaType: "image/jpeg")) },
                owner: "admin", reason: "test", actor: "test")
            _ = try await placement.run(key: "placement:admin", payload: ["owner": "admin"])

            // A duplicate group resolved by an admin: the copy goes to the trash.
            let evidence = DuplicateEvidence(tier: .nearExact, hashDistance: 0, cosine: nil, reason: "test")
            let group = DuplicateProposal(
                tier: .nearExact, members: ids.sorted { $0.uuidString < $1.uuidString }, keeper: ids[0],
                keeperReason: "the first uploaded", pairs: [.init(a: ids[0], b: ids[1], evidence: evidence)])
            let payload = String(decoding: try JSONEncoder().encode(group), as: UTF8.self)
            let opened = try await app.catalog.mediaProposals.sync(
                owner: "admin", kind: .duplicate,
                desired: [.init(kind: .duplicate, digest: "test", summary: "test", payload: payload, clusterID: nil)],
                actor: "test")
            _ = try await app.catalog.organisationDecisions.resolveDuplicates(
                try #require(opened.opened.first), keeper: nil, excluded: [], actor: "test")
            _ = try await placement.run(key: "placement:admin", payload: ["owner": "admin"])
            let trashed = try #require(try await app.catalog.assets.find(ids[1]))
            let trashFile = app.storageRoot.appending(path: try #require(trashed.placementKey))
            #expect(FileManager.default.fileExists(atPath: trashFile.path))

            // Within the retention nothing is purged; past it, the copy is.
            var settings = OrganiseSettings()
            let kept = try await TrashPurgeTask(catalog: app.catalog, store: store, settings: settings).run(
                key: TrashPurgeTask.kind, payload: [:])
            #expect(kept["purged"] == .number(0))
            settings.trashRetention = .zero
            let purged = try await TrashPurgeTask(catalog: app.catalog, store: store, settings: settings).run(
                key: TrashPurgeTask.kind, payload: [:])
            #expect(purged["purged"] == .number(1))
            let gone = try #require(try await app.catalog.assets.find(ids[1]))
            #expect(gone.status == .purged)
            #expect(gone.placementKey == nil)
            #expect(!FileManager.default.fileExists(atPath: trashFile.path))
            #expect(!FileManager.default.fileExists(atPath: app.storageRoot.appending(path: gone.storageKey).path))
            #expect(try await Organising.actions(app, asset: ids[1]).suffix(2) == ["asset.moved", "asset.purged"])
            let view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files == ["media/unsorted/\(ids[0].text).jpg"], "the keeper stays")
            let restore = try await client.call(.post, "/api/v1/trash/\(ids[1].text)/restore", key: app.adminKey)
            #expect(restore.status == .conflict, "purged media cannot come back")
            // But the same bytes uploaded again are a new asset, with their own original.
            let again = try await Organising.upload(
                [.init(name: "copy.jpg", bytes: rocket + [0xFF, 0xD9], type: "image/jpeg")], client: client,
                key: app.adminKey)
            #expect(again != [ids[1]])
            let fresh = try #require(try await app.catalog.assets.find(again[0]))
            #expect(FileManager.default.fileExists(atPath: app.storageRoot.appending(path: fresh.storageKey).path))
        }
    }
}

/// What resolving a duplicate group carries over to the keeper besides tags and comments.
@Suite struct KeeperCarryTests {
    @Test func theKeeperTakesOverACaptureTimeAndAClusterItLacks() async throws {
        try await TestApp.run(workers: 0) { client, app in
            let rocket = try Fixture.bytes("rocket.jpg")
            let dated = ImageVariants.withExif(
                try ImageVariants.make("rocket.jpg", ["-q:v", "9"], format: "jpg"), make: "Canon", model: "EOS R6",
                taken: "2024:07:14 16:32:05")
            let ids = try await Organising.upload(
                [
                    .init(name: "keeper.jpg", bytes: rocket, type: "image/jpeg"),
                    .init(name: "dated.jpg", bytes: dated, type: "image/jpeg"),
                    .init(name: "other.png", bytes: try Fixture.bytes("coffee.png"), type: "image/png"),
                ], client: client, key: app.adminKey)
            let (keeper, copy, other) = (ids[0], ids[1], ids[2])
            // The copy's capture time as the media stage records it; no workers run here.
            try await app.catalog.client.query(
                """
                UPDATE assets SET metadata = '{"exif": {"captured_at": "2024-07-14T16:32:05"}}'::jsonb WHERE id = \(copy)
                """, logger: TestCluster.logger)
            func open(_ kind: ProposalKind, _ payload: some Encodable) async throws -> UUID {
                let text = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
                let outcome = try await app.catalog.mediaProposals.sync(
                    owner: "admin", kind: kind,
                    desired: [.init(kind: kind, digest: "\(kind)", summary: "test", payload: text, clusterID: nil)],
                    actor: "test")
                return try #require(outcome.opened.first)
            }
            let decisions = app.catalog.organisationDecisions
            let cluster = ClusterProposal(
                name: "Launches", members: [copy, other], exemplars: [copy], cohesion: 0.9, tags: [])
            _ = try await decisions.approveCluster(
                try await open(.cluster, cluster), name: nil, excluded: [], actor: "test")
            let evidence = DuplicateEvidence(tier: .nearExact, hashDistance: 2, cosine: nil, reason: "test")
            let group = DuplicateProposal(
                tier: .nearExact, members: [keeper, copy], keeper: keeper, keeperReason: "the largest picture",
                pairs: [.init(a: keeper, b: copy, evidence: evidence)])
            let result = try await decisions.resolveDuplicates(
                try await open(.duplicate, group), keeper: nil, excluded: [], actor: "test")
            #expect(result["carried"]?["captured_at"] == .string("2024-07-14T16:32:05"))

            let kept = try #require(try await app.catalog.assets.find(keeper))
            #expect(kept.metadata["carried"]?["captured_at"] == .string("2024-07-14T16:32:05"))
            let launches = try #require(try await app.catalog.clusters.list(owner: "admin").first)
            #expect(kept.clusterID == launches.id, "the keeper joins the copy's cluster")
            _ = try await PlacementTask(catalog: app.catalog, store: try FileSystemStore(root: app.storageRoot.path))
                .run(key: "placement:admin", payload: ["owner": "admin"])
            #expect(
                try await app.catalog.assets.find(keeper)?.placementKey == "media/clusters/launches/\(keeper.text).jpg")
            #expect(try await app.catalog.assets.find(copy)?.placementKey == "media/trash/\(copy.text).jpg")

            // Its owner uploading the copy again brings it back from the trash, to its cluster.
            let again = try await Organising.upload(
                [.init(name: "dated-again.jpg", bytes: dated, type: "image/jpeg")], client: client, key: app.adminKey)
            #expect(again == [copy], "the same bytes are the same asset")
            _ = try await PlacementTask(catalog: app.catalog, store: try FileSystemStore(root: app.storageRoot.path))
                .run(key: "placement:admin", payload: ["owner": "admin"])
            let back = try #require(try await app.catalog.assets.find(copy))
            #expect(back.trashedAt == nil)
            #expect(back.placementKey == "media/clusters/launches/\(copy.text).jpg")
            #expect(try await Organising.actions(app, asset: copy).contains("asset.restored"))
            let view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
