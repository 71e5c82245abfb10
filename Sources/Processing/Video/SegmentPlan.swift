/// Where a video's segments are, from its scene changes and black stretches: pure arithmetic,
/// so the rules are tested without ffmpeg.
///
/// - A segment runs from one boundary (start, end, scene change, edge of a black stretch) to
///   the next; stretches inside black are not segments.
/// - The floor: no segment is longer than `longest` seconds (it is cut into equal parts), so a
///   video without cuts still has a frame every 10 s.
/// - The ceiling: at most `maximumCount` segments; past it, the shortest one merges into its
///   shorter neighbour until the count fits (the ceiling wins over the floor for long videos).
/// - Slivers under `shortest` seconds (a flash, a fade's last frames) merge into a neighbour.
public struct SegmentPlan: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var duration: Double { end - start }
        /// Where its frame is taken: the middle, past any fade at its start.
        public var sampleTime: Double { (start + end) / 2 }
    }

    public var segments: [Segment]

    public static let longest = 10.0
    public static let maximumCount = 32
    public static let shortest = 0.5
    /// Scene changes considered at most.
    static let maximumBoundaries = 1_000

    public init(
        duration: Double, sceneChanges: [Double], blackIntervals: [ClosedRange<Double>], longest: Double = longest,
        maximumCount: Int = maximumCount, shortest: Double = shortest
    ) {
        guard duration > 0, duration.isFinite else {
            segments = []
            return
        }
        var boundaries = Set([0, duration])
        // Thousands of cuts (a strobe, a slideshow of stills) end as at most 32 segments: a
        // sample of them is enough, and it keeps the merging below cheap.
        let cuts = sceneChanges.filter { $0 > 0 && $0 < duration }.sorted()
        let step = max(1, cuts.count / Self.maximumBoundaries)
        for index in stride(from: 0, to: cuts.count, by: step) { boundaries.insert(cuts[index]) }
        for black in blackIntervals {
            for edge in [black.lowerBound, black.upperBound] where edge > 0 && edge < duration {
                boundaries.insert(edge)
            }
        }
        let sorted = boundaries.sorted()
        var pieces: [Segment] = zip(sorted, sorted.dropFirst()).compactMap { start, end in
            let middle = (start + end) / 2
            return blackIntervals.contains { $0.contains(middle) } ? nil : Segment(start: start, end: end)
        }
        pieces = Self.mergingSlivers(pieces, shortest: shortest)
        pieces = pieces.flatMap { piece in
            // A file may declare any duration; parts beyond the ceiling would only be merged again.
            let parts = Int(min(max(1, (piece.duration / longest).rounded(.up)), Double(maximumCount)))
            let step = piece.duration / Double(parts)
            return (0..<parts).map {
                Segment(
                    start: piece.start + Double($0) * step,
                    end: $0 == parts - 1 ? piece.end : piece.start + Double($0 + 1) * step)
            }
        }
        while pieces.count > maximumCount {
            let index = pieces.indices.min { pieces[$0].duration < pieces[$1].duration }!
            Self.merge(&pieces, at: index)
        }
        segments = pieces
    }

    private static func mergingSlivers(_ pieces: [Segment], shortest: Double) -> [Segment] {
        var pieces = pieces
        while pieces.count > 1, let index = pieces.indices.first(where: { pieces[$0].duration < shortest }) {
            merge(&pieces, at: index)
        }
        return pieces
    }

    /// Joins segment `index` with its shorter neighbour, when that neighbour is adjacent (no
    /// black stretch between them); otherwise drops it only if it cannot join anything.
    private static func merge(_ pieces: inout [Segment], at index: Int) {
        let before = index > 0 && pieces[index - 1].end == pieces[index].start ? index - 1 : nil
        let after = index + 1 < pieces.count && pieces[index + 1].start == pieces[index].end ? index + 1 : nil
        let neighbour: Int? =
            switch (before, after) {
            case (let b?, let a?): pieces[b].duration <= pieces[a].duration ? b : a
            case (let b?, nil): b
            case (nil, let a?): a
            case (nil, nil): nil
            }
        guard let neighbour else {
            pieces.remove(at: index)
            return
        }
        let joined = Segment(
            start: min(pieces[index].start, pieces[neighbour].start), end: max(pieces[index].end, pieces[neighbour].end)
        )
        pieces[min(index, neighbour)] = joined
        pieces.remove(at: max(index, neighbour))
    }
}
