import Catalog
import Synchronization

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
    let lifetime: Duration
    private let samples = Mutex([Key: (vectors: [[Float]], drawn: ContinuousClock.Instant)]())

    init(catalog: CatalogDatabase, size: Int, lifetime: Duration) {
        self.catalog = catalog
        self.size = size
        self.lifetime = lifetime
    }

    func vectors(owner: String?, model: String, dimensions: Int) async throws -> [[Float]] {
        let key = Key(owner: owner, model: model, dimensions: dimensions)
        if let kept = samples.withLock({ $0[key] }), kept.drawn.duration(to: .now) < lifetime { return kept.vectors }
        let drawn = try await catalog.mediaSearch.sample(
            model: model, dimensions: dimensions, owner: owner, size: size)
        samples.withLock { samples in
            // Bounded: owners come and go; an evicted sample is drawn again when asked for.
            if samples.count >= 256 { samples.removeAll() }
            samples[key] = (drawn, .now)
        }
        return drawn
    }
}
