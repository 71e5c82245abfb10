import Synchronization

/// Recent typed queries' vectors, per model: people repeat and refine queries, and a text
/// encoding costs tens of milliseconds of CPU that a cache hit does not. Least recently used
/// entries go first.
final class QueryEmbeddingCache: Sendable {
    private struct Key: Hashable {
        let model: String
        let text: String
    }

    private struct Entries {
        var vectors: [Key: (vector: [Float], used: UInt64)] = [:]
        var clock: UInt64 = 0
    }

    let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) { self.capacity = capacity }

    func vector(model: String, text: String) -> [Float]? {
        entries.withLock { entries in
            let key = Key(model: model, text: text)
            guard let found = entries.vectors[key] else { return nil }
            entries.clock += 1
            entries.vectors[key] = (found.vector, entries.clock)
            return found.vector
        }
    }

    func store(_ vector: [Float], model: String, text: String) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            entries.clock += 1
            entries.vectors[Key(model: model, text: text)] = (vector, entries.clock)
            if entries.vectors.count > capacity, let oldest = entries.vectors.min(by: { $0.value.used < $1.value.used })
            {
                entries.vectors[oldest.key] = nil
            }
        }
    }
}
