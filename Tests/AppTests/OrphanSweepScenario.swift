import App
import Catalog
import Foundation
import HummingbirdTesting
import NIOCore
import Storage
import Testing
import WireTypes

@testable import Processing
@testable import TestSupport

/// A crash between an upload and its catalog commit, beside processed media, documents, the
/// folder view and a move a crash cut short: the sweep removes exactly the blobs no row names,
/// records each, and every blob the catalog names stays readable through the API. It takes
/// the store the app runs on, so every backend runs the same scenario.
enum OrphanSweepScenario {
    struct Crash: Error {}

    /// The workers process and organise the media, and leave their moves to the scenario.
    static func configure(_ configuration: inout AppConfiguration) {
        configuration.inlineDocumentBytes = 64
        configuration.workers.onlyStages = ["verify", "media", "embed", "tags", "organise"]
    }

    static func run(store: any BlobStore, client: some TestClientProtocol, app: TestApp) async throws {
        // Two images, a document kept in the catalog and one kept in the store.
        let images = ["rocket.jpg": try Fixture.bytes("rocket.jpg"), "chelsea.png": try Fixture.bytes("chelsea.png")]
        let large = #"{"note":"\#(String(repeating: "kept in the blob store ", count: 8))"}"#
        var form = MultipartBody()
        for (name, bytes) in images { form.file(filename: name, bytes, type: "application/octet-stream") }
        form.field("payload", #"[{"note":"kept in the catalog"},\#(large)]"#)
        let response = try await client.ingest(form, key: app.adminKey)
        #expect(response.status == .accepted)
        let accepted = try JSONDecoder().decode(IngestAccepted.self, from: Data(response.body.readableBytesView))
        let ids = try accepted.system_ids.map { try #require(UUID(uuidString: $0)) }
        try await eventually(timeout: .seconds(120), "the uploads to be processed") {
            try await ids.asyncMap { try await app.catalog.assets.find($0)?.status }.allSatisfy { $0 == .ready }
        }
        let assets = try await ids.asyncMap { try #require(try await app.catalog.assets.find($0)) }
        #expect(assets.filter { $0.storageKey.hasPrefix("inline/") }.count == 1)

        // The media go to the folder view; then a move of one of them is cut short by a crash
        // after its file moved, before the catalog heard of it.
        let placement = PlacementTask(catalog: app.catalog, store: store)
        _ = try await placement.run(key: PlacementMoves.taskKey(owner: "admin"), payload: ["owner": "admin"])
        let moved = try #require(assets.first { $0.kind == .image })
        let target = FolderLayout.cluster("trip", moved.id, mediaType: moved.mediaType)
        try await app.catalog.placementMoves.request(
            [.init(assetID: moved.id, target: target)], owner: "admin", reason: "test", actor: "test")
        await #expect(throws: Crash.self) {
            _ = try await app.catalog.placementMoves.performPending(owner: "admin", limit: 10) { pending in
                _ = try await store.place(try pending.map(PlacementTask.placement))
                throw Crash()
            }
        }

        // The crash between upload and commit: bytes stored, no row. And a file in the folder
        // view that no asset has.
        let crashed = try await store.put(ByteBuffer(string: "uploaded, never committed \(UUID())"))
        let crashedKey = BlobKey.raw(sha256: crashed.sha256)
        let strayKey = try #require(BlobKey("media/unsorted/\(UUID().text).jpg"))
        try await store.commit(try await store.stage(ByteBuffer(bytes: images["rocket.jpg"]!)), as: strayKey)

        // Within the grace period they may be uploads about to commit: nothing goes.
        var settings = OrphanSweepSettings()
        let early = try await OrphanSweepTask(
            catalog: app.catalog, store: store, settings: settings, logger: TestCluster.logger
        ).run(key: OrphanSweepTask.kind, payload: [:])
        #expect(early["removed"] == .number(0))
        #expect(try await store.size(of: crashedKey) != nil)
        // With no grace, everything stored before the sweep is old enough: only the catalog's
        // references keep a blob.
        settings.grace = .zero
        let swept = try await OrphanSweepTask(
            catalog: app.catalog, store: store, settings: settings, logger: TestCluster.logger
        ).run(key: OrphanSweepTask.kind, payload: [:])
        #expect(swept["removed"] == .number(2))

        var listed: Set<String> = []
        for try await page in store.list(prefix: "") { listed.formUnion(page.map(\.key.rawValue)) }
        #expect(!listed.contains(crashedKey.rawValue) && !listed.contains(strayKey.rawValue))
        let referenced = try await referencedKeys(app.catalog)
        #expect(listed.subtracting(referenced).isEmpty, "orphans left: \(listed.subtracting(referenced))")
        #expect(listed.contains(target), "the file of the move cut short stays where the crash left it")
        let removals = try await app.catalog.lineage.events(
            for: .other(.task, key: OrphanSweepTask.kind), limit: 100
        ).filter { $0.action == "blob.orphan_removed" }
        let removedKeys = removals.compactMap { event -> String? in
            if case .string(let key)? = event.detail["key"] { key } else { nil }
        }
        #expect(Set(removedKeys) == [crashedKey.rawValue, strayKey.rawValue])

        // Everything the catalog names still reads through the API.
        for asset in assets {
            let content = try await client.call(.get, "/api/v1/objects/\(asset.id.text)/content", key: app.adminKey)
            #expect(content.status == .ok)
            #expect(Int64(content.body.readableBytes) == asset.size)
            guard asset.kind == .image else { continue }
            #expect(Array(content.body.readableBytesView) == images[asset.originalFilename ?? ""])
            for size in ["small", "preview"] {
                let thumbnail = try await client.call(
                    .get, "/api/v1/objects/\(asset.id.text)/thumbnail?size=\(size)", key: app.adminKey)
                #expect(thumbnail.status == .ok && thumbnail.body.readableBytes > 0)
            }
        }
        // And the move cut short is finished from where the crash left the file.
        _ = try await placement.run(key: PlacementMoves.taskKey(owner: "admin"), payload: ["owner": "admin"])
        #expect(try await app.catalog.assets.find(moved.id)?.placementKey == target)
    }

    /// Every key the catalog names, read straight from its tables.
    static func referencedKeys(_ catalog: CatalogDatabase) async throws -> Set<String> {
        let rows = try await catalog.client.query(
            """
            SELECT storage_key FROM assets UNION SELECT placement_key FROM assets WHERE placement_key IS NOT NULL
            UNION SELECT storage_key FROM derived_blobs UNION SELECT target_key FROM placement_moves
            UNION SELECT unnest(earlier_targets) FROM placement_moves
            """, logger: TestCluster.logger)
        var keys: Set<String> = []
        for try await key in rows.decode(String.self) { keys.insert(key) }
        return keys
    }
}
