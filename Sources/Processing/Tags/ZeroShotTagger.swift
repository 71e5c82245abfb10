/// Picks an image's tags from its cosine similarity to every term: a term is a tag when it
/// stands out from the image's own scores (`relativeThreshold` standard deviations above their
/// mean) and clears an absolute floor, best first, at most `maximumTags`.
///
/// A fixed cut alone fails both ways: a busy photo scores many terms high, a plain one none.
/// Measured against its own distribution, the cut adapts to the image; the floor keeps an image
/// unlike everything (a screenshot of noise) from getting its least-bad terms as tags.
public struct ZeroShotTagger: Sendable, Equatable {
    public var minimumScore: Float
    public var relativeThreshold: Float
    public var maximumTags: Int

    public init(minimumScore: Float = 0.2, relativeThreshold: Float = 2.5, maximumTags: Int = 10) {
        self.minimumScore = minimumScore
        self.relativeThreshold = relativeThreshold
        self.maximumTags = maximumTags
    }

    public struct Scored: Sendable, Equatable {
        public let term: String
        public let score: Float
    }

    public struct Result: Sendable, Equatable {
        public let tags: [Scored]
        /// The score a term needed: the larger of the relative cut and the floor.
        public let cut: Float
        public let mean: Float
        public let deviation: Float
    }

    /// `image` and every term vector are unit vectors of one model.
    public func tag(_ image: [Float], terms: [(term: String, vector: [Float])]) -> Result {
        guard !terms.isEmpty else { return Result(tags: [], cut: minimumScore, mean: 0, deviation: 0) }
        let scored = terms.map { item in
            Scored(term: item.term, score: zip(image, item.vector).reduce(0) { $0 + $1.0 * $1.1 })
        }
        let count = Float(scored.count)
        let mean = scored.reduce(0) { $0 + $1.score } / count
        let deviation = (scored.reduce(0) { $0 + ($1.score - mean) * ($1.score - mean) } / count).squareRoot()
        let cut = max(mean + relativeThreshold * deviation, minimumScore)
        let tags = scored.filter { $0.score >= cut }.sorted {
            $0.score > $1.score || ($0.score == $1.score && $0.term < $1.term)
        }
        return Result(tags: Array(tags.prefix(maximumTags)), cut: cut, mean: mean, deviation: deviation)
    }
}
