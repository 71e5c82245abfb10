/// How sure a duplicate is, strongest first. (Same bytes are one asset from the ingest on.)
public enum DuplicateTier: String, Sendable, Codable, CaseIterable, Comparable {
    /// The same decoded pixels in different files: edited metadata, another container.
    case pixelIdentical = "pixel_identical"
    /// The same picture re-encoded or resized: perceptual hashes a few bits apart, same shape.
    case nearExact = "near_exact"
    /// The same scene as CLIP sees it: retakes, small crops, bursts.
    case visuallySimilar = "visually_similar"

    private var strength: Int {
        switch self {
        case .pixelIdentical: return 0
        case .nearExact: return 1
        case .visuallySimilar: return 2
        }
    }

    /// Stronger tiers sort first.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.strength < rhs.strength }
}

/// What the judgement of one pair rests on, stored with the pair and shown with its group.
public struct DuplicateEvidence: Sendable, Codable, Equatable {
    public let tier: DuplicateTier
    /// Differing bits of the 64-bit perceptual hashes (a still's, or the median over a video's
    /// matched segments).
    public let hashDistance: Int?
    public let cosine: Double?
    /// For videos: the share of the shorter video's segments matched in the other.
    public let matchedSegments: Double?
    public let reason: String

    public init(
        tier: DuplicateTier, hashDistance: Int?, cosine: Double?, matchedSegments: Double? = nil, reason: String
    ) {
        self.tier = tier
        self.hashDistance = hashDistance
        self.cosine = cosine
        self.matchedSegments = matchedSegments
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case tier, cosine, reason
        case hashDistance = "hash_distance"
        case matchedSegments = "matched_segments"
    }
}
