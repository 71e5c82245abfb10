import Catalog
import Crypto
import Foundation
import Organise
import Processing
import Storage

/// Files moved per second on approval: `count` media placed in the unsorted folder (hard links of
/// their originals), then moved into a cluster's folder (renames), by the placement task with its
/// default batch, each move recorded, performed and committed with its lineage event.
enum MovesBench {
    static func run(catalog: CatalogDatabase, root: URL, count: Int, runs: Int) async throws {
        print("== files moved per second: \(count) media, batch \(OrganiseSettings().placementBatch) ==")
        let store = try FileSystemStore(root: root.path)
        var firstTimes: [Double] = []
        var moveTimes: [Double] = []
        for run in 0..<runs {
            let owner = "moves-\(run)-\(UUID().uuidString.prefix(8))"
            var records: [(id: UUID, mediaType: String)] = []
            var assets: [NewAsset] = []
            for index in 0..<count {
                let bytes = Array("photo \(owner) \(index)".utf8) + [UInt8](repeating: 7, count: 2_000)
                let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                let key = BlobKey.raw(sha256: digest)
                let path = root.appending(path: key.rawValue)
                try FileManager.default.createDirectory(
                    at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: path)
                assets.append(
                    NewAsset(
                        kind: .image, sha256: digest, size: Int64(bytes.count), mediaType: "image/jpeg",
                        originalFilename: nil, storageKey: key.rawValue, comments: nil, metadata: [:]))
            }
            let ids = try await catalog.ingests.record(
                owner: owner, assets: assets, firstStage: StageReference(name: "verify", version: "1"), maxAttempts: 1,
                actor: "bench"
            ).assetIDs
            records = ids.map { ($0, "image/jpeg") }
            let task = PlacementTask(catalog: catalog, store: store, batch: OrganiseSettings().placementBatch)
            for (folder, times) in [("unsorted", 0), ("clusters", 1)] {
                try await catalog.placementMoves.request(
                    records.map {
                        .init(
                            assetID: $0.id,
                            target: folder == "unsorted"
                                ? FolderLayout.unsorted($0.id, mediaType: $0.mediaType)
                                : FolderLayout.cluster("bench-\(run)", $0.id, mediaType: $0.mediaType))
                    }, owner: owner, reason: "bench", actor: "bench")
                let start = ContinuousClock.now
                _ = try await task.run(key: PlacementMoves.taskKey(owner: owner), payload: ["owner": .string(owner)])
                let elapsed = seconds(ContinuousClock.now - start)
                if times == 0 { firstTimes.append(elapsed) } else { moveTimes.append(elapsed) }
            }
        }
        print(
            String(
                format:
                    "first placement (hard links): median %.0f files/s; moves between folders (renames): median %.0f files/s",
                Double(count) / median(firstTimes), Double(count) / median(moveTimes)))
    }
}
