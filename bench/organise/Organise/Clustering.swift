import Foundation
import Organise

/// The clustering pass on synthetic 512-d unit vectors around random centres, with known labels:
/// quality (adjusted Rand index, share left unsorted) and time of a full pass, then of the
/// incremental pass after new media arrive (assignment to the clusters found, then the density
/// pass over what is still unsorted).
enum ClusteringBench {
    static func run(count: Int, centres: Int, dimensions: Int, spread: Float, newAssets: Int, runs: Int) {
        print("== clustering: \(count) vectors, \(dimensions)-d, around \(centres) centres, spread \(spread) ==")
        var random = SplitMix64(seed: 42)
        let centreVectors = (0..<centres).map { _ in random.unitVector(dimensions) }
        func draw(_ n: Int) -> (UnitVectors, [Int]) {
            var vectors = UnitVectors(dimensions: dimensions)
            var labels: [Int] = []
            for _ in 0..<n {
                let label = Int(random.next() % UInt64(centres))
                let noise = random.unitVector(dimensions)
                vectors.append(zip(centreVectors[label], noise).map { $0 + spread * $1 })
                labels.append(label)
            }
            return (vectors, labels)
        }
        let (vectors, labels) = draw(count)
        let mean =
            (0..<min(count, 2000)).reduce(0.0) { $0 + Double(vectors.dot($1, centreVectors[labels[$1]])) }
            / Double(min(count, 2000))
        print(String(format: "mean cosine of a vector to its centre: %.3f", mean))
        let clustering = DensityClustering(threshold: 0.8, minimumMembers: 3)

        var fullTimes: [Double] = []
        var result: DensityClustering.Result?
        for _ in 0..<runs {
            let start = ContinuousClock.now
            result = clustering.cluster(vectors)
            fullTimes.append(seconds(ContinuousClock.now - start))
        }
        guard let result else { return }
        let ari = AdjustedRandIndex.score(labels, result.labels(count: count))
        print(
            String(
                format: "full pass: median %.2f s (runs: %@); clusters %d; ARI %.4f; unsorted %.2f%%",
                median(fullTimes), fullTimes.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                result.groups.count, ari, 100 * Double(result.unsorted.count) / Double(count)))

        // The admin approves every cluster; then new media arrive.
        let centroids = UnitVectors(result.groups.map { vectors.centroid(of: $0) }, dimensions: dimensions)
        let (fresh, freshLabels) = draw(newAssets)
        var incrementalTimes: [Double] = []
        var assigned = 0
        var correct = 0
        var newClusters = 0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let matches = ClusterAssignment.nearest(fresh, centroids: centroids, threshold: 0.8)
            let matchedRows = Set(matches.map(\.row))
            var pool = UnitVectors(dimensions: dimensions)
            for row in result.unsorted { pool.append(Array(vectors[row])) }
            for row in 0..<fresh.count where !matchedRows.contains(row) { pool.append(Array(fresh[row])) }
            let poolResult = clustering.cluster(pool)
            incrementalTimes.append(seconds(ContinuousClock.now - start))
            assigned = matches.count
            newClusters = poolResult.groups.count
            // A match is right when most of its cluster's members share the new vector's label.
            correct =
                matches.filter { match in
                    let members = result.groups[match.cluster]
                    let majority = Dictionary(grouping: members, by: { labels[$0] }).max {
                        $0.value.count < $1.value.count
                    }!.key
                    return majority == freshLabels[match.row]
                }.count
        }
        print(
            String(
                format:
                    "incremental pass after %d new: median %.3f s; assigned %d (%.1f%% to the right cluster); new clusters from the pool %d",
                newAssets, median(incrementalTimes), assigned, 100 * Double(correct) / Double(max(assigned, 1)),
                newClusters))
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
