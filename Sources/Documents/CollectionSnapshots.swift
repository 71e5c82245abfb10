import Catalog
import Synchronization

/// Each owner's collections as read a moment ago, so that placing a document does not cost a
/// read of them on every request: with one document per request, that read was nearly half
/// of the service's CPU per document.
///
/// A snapshot may be stale; a placement planned from one is checked where it is written. The
/// write refuses it (`PlacementOutdated`) if any of its collections changed storage, schema
/// version or contract, and the request is planned again from a fresh read (`fresh: true`).
/// What the write cannot see is a collection another process created within `lifetime`: a
/// document may then start a provisional collection of its own, as two requests arriving
/// together always could. Collections that placing documents here creates or relaxes are seen
/// at once (`forget`).
final class CollectionSnapshots: Sendable {
    private struct Key: Hashable {
        let owner: String
        /// Whether the records carry their signatures (only unnamed documents need them).
        let signatures: Bool
    }

    private struct Entry {
        let collections: [CollectionRecord]
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// Moved by every `forget`: a read that began before a change must not be kept.
    private let generation = Atomic<UInt64>(0)
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The owner's collections: the snapshot if it is recent and `fresh` is false, else `load`'s.
    func collections(
        of owner: String, signatures: Bool, fresh: Bool, orLoad load: () async throws -> [CollectionRecord]
    ) async rethrows -> [CollectionRecord] {
        let key = Key(owner: owner, signatures: signatures)
        let now = ContinuousClock.now
        if !fresh, let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.collections }
        let before = generation.load(ordering: .acquiring)
        let collections = try await load()
        entries.withLock { entries in
            guard generation.load(ordering: .acquiring) == before else { return }
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(collections: collections, expires: now + lifetime)
        }
        return collections
    }

    /// Drops the owner's snapshots: this process has just created or changed a collection.
    func forget(owner: String) {
        entries.withLock { entries in
            generation.add(1, ordering: .releasing)
            entries[Key(owner: owner, signatures: true)] = nil
            entries[Key(owner: owner, signatures: false)] = nil
        }
    }
}
