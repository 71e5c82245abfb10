/// The poster is the frame of the longest segment (the earliest among equals): the shot the
/// video dwells on. Black and uniform frames never reach here: they are not sampled.
enum VideoPoster {
    /// Standard deviation of a 32×32 greyscale frame below which it counts as black or uniform
    /// (a fade's first frames, a title card's plain background).
    static let minimumContrast = 6.0

    static func choose(_ frames: [SampledFrame]) -> Int? {
        frames.indices.max {
            frames[$0].segment.duration < frames[$1].segment.duration
                || (frames[$0].segment.duration == frames[$1].segment.duration && $0 > $1)
        }
    }
}
