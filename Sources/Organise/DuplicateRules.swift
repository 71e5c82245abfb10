/// Decides whether two media are duplicates, and of which tier.
public struct DuplicateRules: Sendable, Equatable {
    /// Largest Hamming distance between perceptual hashes for a near-exact pair. A JPEG re-encoded
    /// at another quality and resized lands within a few bits; different photos land near 32.
    public var nearExactDistance = 8
    /// Largest relative difference of aspect ratios for a near-exact pair: a crop is not a copy.
    public var aspectTolerance = 0.03
    /// Smallest CLIP cosine for a visually similar pair.
    public var similarCosine = 0.95
    /// Videos: the share of the shorter one's segments that must match a segment of the other.
    public var segmentShare = 0.8
    /// Videos: largest relative difference of durations.
    public var durationTolerance = 0.05

    public init() {}

    /// The pair's tier and the evidence behind it, or nil when they are not duplicates.
    /// `cosine` is the similarity of their CLIP vectors, when both have one.
    public func judge(_ a: MediaFacts, _ b: MediaFacts, cosine: Double?) -> DuplicateEvidence? {
        guard a.kind == b.kind, a.id != b.id else { return nil }
        if let near = a.kind == .image ? nearStill(a, b, cosine: cosine) : nearVideo(a, b, cosine: cosine) {
            return near
        }
        if let cosine, cosine >= similarCosine {
            let distance = a.kind == .image ? a.hashes[0].flatMap { x in b.hashes[0].map { hamming(x, $0) } } : nil
            return DuplicateEvidence(
                tier: .visuallySimilar, hashDistance: distance, cosine: cosine,
                reason: "CLIP sees the same scene (cosine \(Self.format(cosine)) ≥ \(Self.format(similarCosine)))")
        }
        return nil
    }

    private func nearStill(_ a: MediaFacts, _ b: MediaFacts, cosine: Double?) -> DuplicateEvidence? {
        guard let hashA = a.hashes[0], let hashB = b.hashes[0] else { return nil }
        let distance = hamming(hashA, hashB)
        if let digest = a.pixelDigest, digest == b.pixelDigest, a.width == b.width, a.height == b.height {
            return DuplicateEvidence(
                tier: .pixelIdentical, hashDistance: distance, cosine: cosine,
                reason: "the same \(a.width) × \(a.height) pixels in different files")
        }
        guard distance <= nearExactDistance, similarAspect(a, b), !distinctExposures(a, b) else { return nil }
        return DuplicateEvidence(
            tier: .nearExact, hashDistance: distance, cosine: cosine,
            reason: "perceptual hashes \(distance) of 64 bits apart (≤ \(nearExactDistance)), same shape")
    }

    /// Videos compare frame by frame: segments are cut at scene changes and black stretches are
    /// left out, so two videos that share only a black opening match nothing.
    private func nearVideo(_ a: MediaFacts, _ b: MediaFacts, cosine: Double?) -> DuplicateEvidence? {
        let segmentsA = a.hashes.filter { $0.key > 0 }.map(\.value)
        let segmentsB = b.hashes.filter { $0.key > 0 }.map(\.value)
        guard !segmentsA.isEmpty, !segmentsB.isEmpty, similarAspect(a, b) else { return nil }
        if let durationA = a.durationSeconds, let durationB = b.durationSeconds,
            abs(durationA - durationB) > durationTolerance * max(durationA, durationB)
        {
            return nil
        }
        let (shorter, longer) = segmentsA.count <= segmentsB.count ? (segmentsA, segmentsB) : (segmentsB, segmentsA)
        let distances = shorter.map { hash in longer.map { hamming(hash, $0) }.min()! }
        let matched = distances.filter { $0 <= nearExactDistance }.sorted()
        let share = Double(matched.count) / Double(shorter.count)
        guard share >= segmentShare else { return nil }
        let median = matched[matched.count / 2]
        return DuplicateEvidence(
            tier: .nearExact, hashDistance: median, cosine: cosine, matchedSegments: share,
            reason:
                "\(matched.count) of \(shorter.count) scenes match (median \(median) bits apart), durations agree")
    }

    private func similarAspect(_ a: MediaFacts, _ b: MediaFacts) -> Bool {
        guard a.aspect > 0, b.aspect > 0 else { return false }
        return abs(a.aspect - b.aspect) <= aspectTolerance * max(a.aspect, b.aspect)
    }

    /// Two exposures, not two copies of one: a camera records each shot's time, and a copy keeps it.
    /// Burst frames a second apart look alike to a perceptual hash but are different pictures.
    private func distinctExposures(_ a: MediaFacts, _ b: MediaFacts) -> Bool {
        guard let timeA = a.capturedAt, let timeB = b.capturedAt else { return false }
        return timeA != timeB
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return String(rounded)
    }
}

func hamming(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }
