/// A similarity floor that adapts to the query: how far above what an unrelated medium scores
/// for *this* query a result must be.
///
/// The query is compared with a random sample of the library (the "background": almost all of
/// it unrelated to any one query); the floor is the sample's median plus `spreads` robust
/// standard deviations (1.4826 × the median absolute deviation, which a handful of relevant
/// media in the sample do not move). A fixed number cannot do this: CLIP's text-to-image
/// cosines for one query sit around 0.18 with hits at 0.26, for another around 0.24 with hits at
/// 0.31, and image-to-image ones far higher. With too small a sample there is nothing to
/// calibrate on, and no floor is applied (said so in the response).
public struct RelevanceCutoff: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case applied(similarity: Double, median: Double, spread: Double, sample: Int)
        case notApplied(reason: String)
    }

    public let spreads: Double
    public let minimumSample: Int

    public init(spreads: Double = 3, minimumSample: Int = 50) {
        self.spreads = spreads
        self.minimumSample = minimumSample
    }

    /// `background`: the query's similarity to each sampled medium.
    public func calibrate(_ background: [Double]) -> Outcome {
        guard background.count >= minimumSample else {
            return .notApplied(
                reason: "fewer than \(minimumSample) media to calibrate against (\(background.count) in the sample)")
        }
        let median = Self.median(background)
        let spread = 1.4826 * Self.median(background.map { abs($0 - median) })
        return .applied(
            similarity: median + spreads * spread, median: median, spread: spread, sample: background.count)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
