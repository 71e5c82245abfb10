/// A collection's signature while a request adds documents to it: counts per key, and the sum
/// of their squares kept as they change, so that scoring a document costs its own keys, not the
/// collection's thousands (`FamilyMatcher`'s score, with shares = counts / documents).
struct RunningSignature {
    private var counts: [String: Double]
    private var sumOfSquares: Double

    init(_ shares: [String: Double]) {
        // A stored signature stands for many documents: a request's first few do not swamp it.
        counts = shares.mapValues { $0 * 100 }
        sumOfSquares = counts.values.reduce(0) { $0 + $1 * $1 }
    }

    mutating func add(_ keys: [String]) {
        for key in Set(keys) {
            let count = counts[key, default: 0]
            counts[key] = count + 1
            sumOfSquares += 2 * count + 1
        }
    }

    func score(keys: [String]) -> Double {
        guard !keys.isEmpty, sumOfSquares > 0 else { return 0 }
        var known = 0
        var covered = 0.0
        for key in keys {
            if let count = counts[key] {
                known += 1
                covered += count * count
            }
        }
        return FamilyMatcher.combine(known: Double(known) / Double(keys.count), cover: covered / sumOfSquares)
    }
}
