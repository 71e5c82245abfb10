import Foundation
import Organise
import Search

// Fusion and cut-off quality on a synthetic library (figures, not pass/fail).
//
// Labelled relevance for real photos is not available here, so the library is simulated with
// the shapes that matter, stated so they can be argued with:
// - per query, unrelated media score CLIP similarity ~ N(b, s) where the background b and its
//   spread s vary by query, b in U(0.15, 0.25) and s in U(0.012, 0.035) (text-to-image cosines
//   vary so between queries, and more between models);
// - relevant media score N(b + 3s, 1.2s): better on average, overlapping the background;
// - a person's words: 30% of relevant media have the query word in their comments or filename,
//   and 0.3% of unrelated ones do too (a word used for something else);
// - tags are CLIP's own judgement: a medium is tagged when its similarity exceeds b + 0.05,
//   80% of the time.
// For each ranking: precision@10 and nDCG@10, averaged over the queries. For each cut-off: the
// share of CLIP-only results kept that are relevant, and the share of relevant media kept.

extension SplitMix64 {
    mutating func normal(_ mean: Double, _ deviation: Double) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return mean + deviation * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

let librarySize = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
let queries = 200
let relevantPerQuery = 25
var random = SplitMix64(seed: 42)
var sums: [String: (precision: Double, ndcg: Double)] = [:]
var cutoffs: [String: (kept: Double, relevantKept: Double, precision: Double, flooded: Double, empty: Double)] = [:]

func ndcg(_ ranking: [Int], relevant: Set<Int>) -> Double {
    var gain = 0.0
    for (index, item) in ranking.prefix(10).enumerated() where relevant.contains(item) {
        gain += 1 / log2(Double(index) + 2)
    }
    let ideal = (0..<min(10, relevant.count)).reduce(0.0) { $0 + 1 / log2(Double($1) + 2) }
    return gain / ideal
}

for _ in 0..<queries {
    let background = Double.random(in: 0.15...0.25, using: &random)
    let spread = Double.random(in: 0.012...0.035, using: &random)
    let relevant = Set((0..<relevantPerQuery).map { $0 * (librarySize / relevantPerQuery) })
    var similarity = [Double](repeating: 0, count: librarySize)
    var words: [Int] = []
    var tagged: [Int] = []
    for item in 0..<librarySize {
        let isRelevant = relevant.contains(item)
        similarity[item] =
            isRelevant ? random.normal(background + 3 * spread, 1.2 * spread) : random.normal(background, spread)
        if Double.random(in: 0..<1, using: &random) < (isRelevant ? 0.3 : 0.003) { words.append(item) }
        if similarity[item] > background + 2.5 * spread, Double.random(in: 0..<1, using: &random) < 0.8 {
            tagged.append(item)
        }
    }
    let byCLIP = similarity.indices.sorted { similarity[$0] > similarity[$1] }
    let depth = Array(byCLIP.prefix(1000))
    let byTag = tagged.sorted { similarity[$0] > similarity[$1] }
    func record(_ name: String, _ ranking: [Int]) {
        let precision = Double(ranking.prefix(10).filter(relevant.contains).count) / 10
        sums[name, default: (0, 0)].precision += precision
        sums[name, default: (0, 0)].ndcg += ndcg(ranking, relevant: relevant)
    }
    record("CLIP alone", byCLIP)
    var fusion = RankFusion<Int>()
    fusion.add(.clip, depth)
    fusion.add(.comments, words)
    fusion.add(.tags, byTag)
    record("RRF, word lists in text order", fusion.fused(tieBreak: <).map(\.item))
    // The same, with each word list ordered by CLIP similarity instead of by text rank (which
    // says little for short comments).
    var ordered = RankFusion<Int>()
    ordered.add(.clip, depth)
    ordered.add(.comments, words.sorted { similarity[$0] > similarity[$1] })
    ordered.add(.tags, byTag)
    record("RRF, word lists in CLIP order (service)", ordered.fused(tieBreak: <).map(\.item))
    // As the service reads it: CLIP contributes only its nearest `depth` candidates, and only those
    // have a similarity to order the word lists by (the rest follow in the list's own order).
    for serviceDepth in [40, 100, 200] {
        let read = Array(byCLIP.prefix(serviceDepth))
        let known = Set(read)
        let wordsInOrder =
            words.filter(known.contains).sorted { similarity[$0] > similarity[$1] }
            + words.filter { !known.contains($0) }
        var service = RankFusion<Int>()
        service.add(.clip, read)
        service.add(.comments, wordsInOrder)
        service.add(.tags, byTag)
        record("RRF, the service reading \(serviceDepth) CLIP candidates", service.fused(tieBreak: <).map(\.item))
    }
    var fullTags = RankFusion<Int>()
    fullTags.add(.clip, depth)
    fullTags.add(.comments, words)
    fullTags.add(.filename, byTag)  // weight 1: tags counted as fully as a person's words
    record("RRF, tags at weight 1", fullTags.fused(tieBreak: <).map(\.item))
    // A weighted sum of raw scores: CLIP cosine plus a fixed bonus for a word match.
    let wordSet = Set(words)
    for bonus in [0.02, 0.05] {
        let summed = depth.sorted {
            similarity[$0] + (wordSet.contains($0) ? bonus : 0) > similarity[$1] + (wordSet.contains($1) ? bonus : 0)
        }
        record(String(format: "weighted sum, word bonus %.2f", bonus), summed)
    }

    // Calibrated on the query's own background: CLIP in background spreads above its median,
    // plus a bonus in the same units for each signal that matched.
    let sample = (0..<512).map { _ in similarity[Int.random(in: 0..<librarySize, using: &random)] }
    if case .applied(_, let median, let spread, _) = RelevanceCutoff().calibrate(sample) {
        let tagSet = Set(tagged)
        for bonus in [1.0, 2.0, 3.0] {
            func score(_ item: Int) -> Double {
                (similarity[item] - median) / spread + (wordSet.contains(item) ? bonus : 0)
                    + (tagSet.contains(item) ? bonus / 2 : 0)
            }
            let candidates = Array(Set(depth).union(words))
            record(
                String(format: "calibrated sum, bonus %.0f spreads", bonus), candidates.sorted { score($0) > score($1) }
            )
        }
    }

    // Cut-offs over CLIP-only results: the adaptive one against fixed numbers.
    var floors: [(String, Double)] = [("fixed 0.25", 0.25), ("fixed 0.28", 0.28), ("fixed 0.30", 0.30)]
    if case .applied(let floor, _, _, _) = RelevanceCutoff().calibrate(sample) {
        floors.append(("adaptive (3 spreads)", floor))
    }
    if case .applied(let floor, _, _, _) = RelevanceCutoff(spreads: 3.5).calibrate(sample) {
        floors.append(("adaptive (3.5 spreads)", floor))
    }
    for (name, floor) in floors {
        let kept = similarity.indices.filter { similarity[$0] >= floor }
        let hits = kept.filter(relevant.contains).count
        cutoffs[name, default: (0, 0, 0, 0, 0)].kept += Double(kept.count)
        cutoffs[name, default: (0, 0, 0, 0, 0)].relevantKept += Double(hits) / Double(relevant.count)
        cutoffs[name, default: (0, 0, 0, 0, 0)].precision += kept.isEmpty ? 1 : Double(hits) / Double(kept.count)
        // A query drowned in unrelated results, or left with nothing it should find.
        cutoffs[name, default: (0, 0, 0, 0, 0)].flooded += kept.count - hits > 200 ? 1 : 0
        cutoffs[name, default: (0, 0, 0, 0, 0)].empty += hits == 0 ? 1 : 0
    }
}

print("synthetic library: \(librarySize) media, \(queries) queries, \(relevantPerQuery) relevant each")
print("ranking                                     precision@10  nDCG@10")
for (name, sum) in sums.sorted(by: { $0.value.ndcg > $1.value.ndcg }) {
    print(
        name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: "%.3f         %.3f", sum.precision / Double(queries), sum.ndcg / Double(queries)))
}
print("cut-off over CLIP-only results               kept/query  relevant kept  precision  flooded  empty")
for (name, sum) in cutoffs.sorted(by: { $0.key < $1.key }) {
    print(
        name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(
                format: "%8.1f     %.3f          %.3f      %.3f    %.3f", sum.kept / Double(queries),
                sum.relevantKept / Double(queries), sum.precision / Double(queries), sum.flooded / Double(queries),
                sum.empty / Double(queries)))
}
