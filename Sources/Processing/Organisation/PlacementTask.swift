import Catalog
import Foundation
import Jobs
import Storage

/// Performs an owner's recorded moves, a batch at a time (see `PlacementMoves`). Queued by the
/// decision that records the moves, in its own transaction; a worker that dies midway leaves the
/// task leased, and the next worker to claim it finishes every move the first left.
public struct PlacementTask: TaskHandler {
    let catalog: CatalogDatabase
    let store: any BlobStore
    /// Moves per transaction: one group `syncfs` and one commit each.
    let batch: Int

    public init(catalog: CatalogDatabase, store: any BlobStore, batch: Int = 64) {
        self.catalog = catalog
        self.store = store
        self.batch = batch
    }

    public var kind: String { PlacementMoves.taskKind }

    public func run(key: String, payload: JSONValue) async throws -> JSONValue {
        guard case .string(let owner)? = payload.objectValue?["owner"] else {
            throw UnprocessableContent("a placement task names no owner")
        }
        let store = store
        var moved = 0
        while true {
            let count = try await catalog.placementMoves.performPending(owner: owner, limit: batch) { pending in
                let placements = try pending.map(Self.placement)
                let missing = try await store.place(placements)
                return Set(zip(pending, placements).filter { missing.contains($0.1) }.map(\.0.assetID))
            }
            if count == 0 { break }
            moved += count
        }
        return ["moved": .number(Double(moved))]
    }

    static func placement(_ move: PlacementMoves.Pending) throws -> Placement {
        func key(_ text: String) throws -> BlobKey {
            guard let key = BlobKey(text) else { throw UnprocessableContent("'\(text)' is not a valid storage key") }
            return key
        }
        return Placement(
            original: try key(move.original), current: try move.current.map(key), target: try key(move.target),
            earlier: try move.earlier.map(key))
    }
}
