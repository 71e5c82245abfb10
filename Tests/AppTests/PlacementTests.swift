import Catalog
import Foundation
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
                try await moves.request(
                    assets.map { .init(assetID: $0.id, target: folder($0)) }, owner: "admin", reason: "test",
                    actor: "test")
            }

            // A crash after the files moved, before the catalog heard of it.
            try await request { FolderLayout.unsorted($0.id, mediaType: $0.mediaType) }
            await #expect(throws: Crash.self) {
                _ = try await moves.performPending(owner: "admin", limit: 10) { pending in
                    try await store.place(try pending.map(PlacementTask.placement))
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
                    try await store.place([try PlacementTask.placement(pending[0])])
                    throw Crash()
                }
            }
            view = try await Organising.folderView(app)
            #expect(view.files(in: "media/clusters/trip/").count == 1)
            _ = try await task.run(key: "placement:admin", payload: ["owner": "admin"])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/trip/").count == 3)

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
            #expect(moved.count == 3, "each completed move once in lineage")
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
