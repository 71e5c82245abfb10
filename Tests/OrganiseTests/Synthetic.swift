import Foundation
import Organise

/// Vectors drawn around random centres, with their true labels: what the clustering is scored on.
struct Synthetic {
    var vectors: UnitVectors
    var labels: [Int]

    /// `spread` is the noise's share of each vector's length: at 0.35 a member's cosine to its
    /// centre is about 0.94 in 64 dimensions.
    init(centres: Int, perCentre: Int, dimensions: Int, spread: Float, noise: Int = 0, seed: UInt64 = 7) {
        var random = SplitMix64(seed: seed)
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
