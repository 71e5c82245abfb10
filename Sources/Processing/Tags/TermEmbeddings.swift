import CLIP
import Catalog
import Synchronization

/// The vocabulary's text embeddings for the current model: each term is the mean of its prompt
/// ensemble's embeddings ("a photo of a dog.", "a close-up photo of a dog."…), computed once per
/// model and kept in the catalog (`text_embeddings`), and in memory until the vocabulary changes.
final class TermEmbeddings: Sendable {
    static let prompts = [
        "a photo of a {}.", "a close-up photo of a {}.", "a photo of the {}.", "a bright photo of a {}.",
        "a cropped photo of a {}.", "a good photo of a {}.",
    ]
    /// Part of the cache key: a new prompt set is a new set of embeddings.
    static let promptsVersion = "prompts-1"

    let catalog: CatalogDatabase
    let model: EmbeddingModel
    /// The vocabulary's vectors for one revision, or their load under way: the tag jobs that
    /// start together after a model is installed share one load (2,610 prompts take a minute on
    /// two cores) instead of each computing them all.
    private let cached = Mutex<(revision: String, load: Task<[(term: String, vector: [Float])], any Error>)?>(nil)

    init(catalog: CatalogDatabase, model: EmbeddingModel) {
        self.catalog = catalog
        self.model = model
    }

    var cacheKey: String { "\(model.id)#\(model.precision.rawValue)#\(Self.promptsVersion)" }

    func current() async throws -> [(term: String, vector: [Float])] {
        let revision = try await catalog.tagVocabulary.revision()
        let load = cached.withLock { cached in
            if let cached, cached.revision == revision { return cached.load }
            let load = Task { try await self.load() }
            cached = (revision, load)
            return load
        }
        do {
            return try await load.value
        } catch {
            // A failed load is not kept: the next job tries again.
            cached.withLock { if $0?.revision == revision { $0 = nil } }
            throw error
        }
    }

    private func load() async throws -> [(term: String, vector: [Float])] {
        let vocabulary = catalog.tagVocabulary
        let terms = try await vocabulary.enabledTerms()
        var vectors = try await vocabulary.cachedEmbeddings(model: cacheKey, texts: terms)
        let missing = terms.filter { vectors[$0] == nil }
        if !missing.isEmpty {
            let computed = try await model.run { clip in try Self.embed(missing, with: clip) }
            try await vocabulary.storeEmbeddings(model: cacheKey, computed)
            vectors.merge(computed) { $1 }
        }
        return terms.compactMap { term in vectors[term].map { (term: term, vector: $0) } }
    }

    static func embed(_ terms: [String], with clip: CLIPModel) throws -> [String: [Float]] {
        let texts = terms.flatMap { term in prompts.map { $0.replacingOccurrences(of: "{}", with: term) } }
        let embeddings = try clip.textEmbeddings(texts)
        var result: [String: [Float]] = [:]
        for (index, term) in terms.enumerated() {
            let ensemble = embeddings[index * prompts.count..<(index + 1) * prompts.count]
            var sum = [Float](repeating: 0, count: ensemble.first?.count ?? 0)
            for vector in ensemble { for position in sum.indices { sum[position] += vector[position] } }
            result[term] = CLIPModel.normalized(sum)
        }
        return result
    }
}
