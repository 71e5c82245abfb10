import Catalog

/// The random samples the relevance cut-off calibrates on, one per owner (or all owners) and
/// model, kept for a while: a sample does not depend on the query, and drawing one reads the
/// catalog, so queries share it. A library that grows is sampled again when the sample ages.
final class BackgroundSamples: Sendable {
    private struct Key: Hashable {
        let owner: String?
        let model: String
        let dimensions: Int
    }

    let catalog: CatalogDatabase
    let size: Int
    private let samples: KeptValues<Key, [[Float]]>

    init(catalog: CatalogDatabase, size: Int, lifetime: Duration) {
        self.catalog = catalog
        self.size = size
        samples = KeptValues(lifetime: lifetime)
    }

    func vectors(owner: String?, model: String, dimensions: Int) async throws -> [[Float]] {
        try await samples.value(Key(owner: owner, model: model, dimensions: dimensions)) {
            try await catalog.mediaSearch.sample(model: model, dimensions: dimensions, owner: owner, size: size)
        }
    }
}
