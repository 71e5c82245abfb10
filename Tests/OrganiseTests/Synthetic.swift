import Foundation
import Organise

/// Vectors drawn around random centres, with their true labels: what the clustering is scored on.
struct Synthetic {
    var vectors: UnitVectors
    var labels: [Int]

    /// `spread` is the noise's share of each vector's length: at 0.35 a member's cosine to its
    /// centre is about 0.94 in 64 dimensions.
    init(centres: Int, perCentre: Int, dimensions: Int, spread: Float, noise: Int = 0, seed: UInt64 = 7) {
        var random = Generator(seed: seed)
        let centreVectors = (0..<centres).map { _ in random.unitVector(dimensions) }
        vectors = UnitVectors(dimensions: dimensions)
        labels = []
        for _ in 0..<perCentre {
            for (label, centre) in centreVectors.enumerated() {
                let offset = random.unitVector(dimensions)
                vectors.append(zip(centre, offset).map { $0 + spread * $1 })
                labels.append(label)
            }
        }
        for index in 0..<noise {
            vectors.append(random.unitVector(dimensions))
            labels.append(centres + index)
        }
    }
}

struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// A direction uniform on the sphere (Box–Muller normals, normalised).
    mutating func unitVector(_ dimensions: Int) -> [Float] {
        var values: [Float] = []
        while values.count < dimensions {
            let u = max(uniform(), 1e-7)
            let v = uniform()
            let radius = (-2 * Float.log(u)).squareRoot()
            values.append(radius * Float.cos(2 * .pi * v))
            values.append(radius * Float.sin(2 * .pi * v))
        }
        values.removeLast(values.count - dimensions)
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}

extension Float {
    static func log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
    static func cos(_ x: Float) -> Float { Float(Foundation.cos(Double(x))) }
    static func sin(_ x: Float) -> Float { Float(Foundation.sin(Double(x))) }
}

/// Labels for ARI: each group's index, and a label of its own for every unsorted row.
func predictedLabels(_ result: DensityClustering.Result, count: Int) -> [Int] {
    var labels = [Int](repeating: -1, count: count)
    for (index, group) in result.groups.enumerated() { for row in group { labels[row] = index } }
    var next = result.groups.count
    for row in result.unsorted {
        labels[row] = next
        next += 1
    }
    return labels
}
