import Catalog

/// Each owner's collections as read a moment ago, so that placing a document does not cost a
/// read of them on every request: with one document per request, that read was nearly half
/// of the service's CPU per document.
///
/// A snapshot may be stale; a placement planned from one is checked where it is written. The
/// write refuses it (`PlacementOutdated`) if any of its collections changed storage, schema
/// version or contract, and the request is planned again from a fresh read (`fresh: true`).
/// What the write cannot see is a collection another process created within the lifetime: a
/// document may then start a provisional collection of its own, as two requests arriving
/// together always could. Collections that placing documents here creates or relaxes are seen
/// at once (`forget`).
struct CollectionSnapshots: Sendable {
    private struct Key: Hashable {
        let owner: String
        /// Whether the records carry their signatures (only unnamed documents need them).
        let signatures: Bool
    }

    private let reads: RecentReads<Key, [CollectionRecord]>

    init(lifetime: Duration) {
        reads = RecentReads(lifetime: lifetime)
    }

    /// The owner's collections: the snapshot if it is recent and `fresh` is false, else `load`'s.
    func collections(
        of owner: String, signatures: Bool, fresh: Bool, orLoad load: () async throws -> [CollectionRecord]
    ) async rethrows -> [CollectionRecord] {
        try await reads.value(for: Key(owner: owner, signatures: signatures), fresh: fresh, orLoad: load) ?? []
    }

    /// Drops the owner's snapshots: placing a document here has just created or changed one of
    /// its collections.
    func forget(owner: String) {
        reads.forget { key, _ in key.owner == owner }
    }
}
