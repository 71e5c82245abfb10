import Catalog
import Synchronization

/// One HNSW index per vector dimension (pgvector indexes need a fixed one), created the first
/// time vectors of that dimension are stored. Vectors are indexed as `halfvec`: half the memory,
/// and for CLIP's unit vectors a cosine error far below what separates neighbours.
final class VectorIndexes: Sendable {
    let catalog: CatalogDatabase
    private let known = Mutex(Set<Int>())

    init(catalog: CatalogDatabase) { self.catalog = catalog }

    func ensure(dimensions: Int) async throws {
        guard !known.withLock({ $0.contains(dimensions) }) else { return }
        try await catalog.embeddings.ensureIndex(dimensions: dimensions)
        known.withLock { _ = $0.insert(dimensions) }
    }
}
