import Foundation

/// A coarse partition of unit vectors into cells by spherical k-means: the inverted file that
/// keeps the density pass from comparing every pair.
struct KMeansCells {
    private(set) var centroids: [Float]
    private(set) var members: [[Int]]
    let dimensions: Int

    init(_ vectors: UnitVectors, count requested: Int, seed: UInt64, iterations: Int = 5) {
        dimensions = vectors.dimensions
        let count = min(requested, vectors.count)
        var random = SplitMix64(seed: seed)
        var rows = Array(0..<vectors.count)
        for index in 0..<count {
            let pick = index + Int(random.next() % UInt64(rows.count - index))
            rows.swapAt(index, pick)
        }
        centroids = vectors.gathered(Array(rows.prefix(count)))
        members = []
        for iteration in 0..<iterations {
            members = assign(vectors)
            if iteration == iterations - 1 { break }
            for cell in 0..<count where !members[cell].isEmpty {
                let centre = vectors.centroid(of: members[cell])
                centroids.replaceSubrange(cell * dimensions..<(cell + 1) * dimensions, with: centre)
            }
        }
    }

    /// Each vector to its most similar centroid, in blocks so that the score matrix stays small.
    private func assign(_ vectors: UnitVectors) -> [[Int]] {
        let cellCount = centroids.count / dimensions
        var result = [[Int]](repeating: [], count: cellCount)
        for start in stride(from: 0, to: vectors.count, by: 2_048) {
            let rows = Array(start..<min(start + 2_048, vectors.count))
            let scores = similarities(
                vectors.gathered(rows), rows: rows.count, centroids, rows: cellCount, dimensions: dimensions)
            for (position, row) in rows.enumerated() {
                let slice = scores[position * cellCount..<(position + 1) * cellCount]
                let best = slice.indices.max { slice[$0] < slice[$1] }! - position * cellCount
                result[best].append(row)
            }
        }
        return result
    }

    /// For each cell, itself and the `probes - 1` cells whose centroids are most similar to its own.
    func nearestCells(probes: Int) -> [[Int]] {
        let cellCount = centroids.count / dimensions
        let scores = similarities(centroids, rows: cellCount, centroids, rows: cellCount, dimensions: dimensions)
        return (0..<cellCount).map { cell in
            let others = (0..<cellCount).filter { $0 != cell }
                .sorted { scores[cell * cellCount + $0] > scores[cell * cellCount + $1] }
            return [cell] + others.prefix(max(0, probes - 1))
        }
    }
}

/// A small, seeded generator: the same input gives the same cells on every run (and the tests and
/// benchmarks the same synthetic vectors).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A direction drawn uniformly on the sphere (normals by Box–Muller, normalised): synthetic
    /// embeddings for the tests and the benchmark.
    public mutating func unitVector(_ dimensions: Int) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(dimensions + 1)
        while values.count < dimensions {
            let u = max(Double(next() >> 11) / Double(1 << 53), 1e-12)
            let v = Double(next() >> 11) / Double(1 << 53)
            let radius = (-2 * log(u)).squareRoot()
            values.append(Float(radius * cos(2 * .pi * v)))
            values.append(Float(radius * sin(2 * .pi * v)))
        }
        values.removeLast(values.count - dimensions)
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
