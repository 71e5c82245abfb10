/// Reciprocal-rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's score is the sum,
/// over the signals that list it, of `weight / (k + rank)`.
///
/// Why this and not a weighted sum of scores: the signals' scores live on scales that do not
/// compare (a CLIP cosine of 0.27 can be excellent for one query and poor for another; `ts_rank`
/// grows with repeated words; a tag's score is a softmax share), so a weighted sum needs
/// calibrating per model and per library. Ranks need none; an item several signals agree on
/// rises above one that only one signal likes, and a single signal's ranking passes through
/// unchanged. `k` = 60 is the published default: large enough that the first few places of one
/// list do not drown everything else.
public struct RankFusion<Item: Hashable & Sendable>: Sendable {
    public struct Fused: Sendable {
        public let item: Item
        public let score: Double
        /// The signals that listed it, each with its 1-based rank there.
        public let ranks: [SearchSignal: Int]
    }

    public let k: Double
    private var lists: [(signal: SearchSignal, items: [Item])] = []

    public init(k: Double = 60) { self.k = k }

    /// `items` best first; an item listed twice counts at its first place.
    public mutating func add(_ signal: SearchSignal, _ items: [Item]) {
        lists.append((signal, items))
    }

    /// Highest score first; ties go to the item more signals list, then to `tieBreak`.
    public func fused(tieBreak: (Item, Item) -> Bool) -> [Fused] {
        var scores: [Item: Double] = [:]
        var ranks: [Item: [SearchSignal: Int]] = [:]
        for (signal, items) in lists {
            var seen = Set<Item>()
            for item in items where seen.insert(item).inserted {
                let rank = seen.count
                scores[item, default: 0] += signal.weight / (k + Double(rank))
                ranks[item, default: [:]][signal] = rank
            }
        }
        return scores.map { Fused(item: $0.key, score: $0.value, ranks: ranks[$0.key] ?? [:]) }
            .sorted { lhs, rhs in
                if lhs.score != rhs.score { return lhs.score > rhs.score }
                if lhs.ranks.count != rhs.ranks.count { return lhs.ranks.count > rhs.ranks.count }
                return tieBreak(lhs.item, rhs.item)
            }
    }
}
