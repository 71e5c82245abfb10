/// ftfy's `replace_lossy_sequences`, applied with the sloppy codecs. When mojibake went through a
/// codec that could not represent a byte, the byte became `?` or U+FFFD (0x1A after re-encoding);
/// the damaged UTF-8 sequence is replaced by U+FFFD so the rest of the text can still be decoded.
enum LossySequenceReplacement {
    private typealias ByteClass = [ClosedRange<UInt8>]

    private static let sub: ByteClass = [0x1A...0x1A]
    private static let lost: ByteClass = [0x1A...0x1A, 0x3F...0x3F]  // 0x1A or "?"
    private static let continuationOrSub: ByteClass = [0x1A...0x1A, 0x80...0xBF]
    private static let anyContinuation: ByteClass = [0x1A...0x1A, 0x3F...0x3F, 0x80...0xBF]

    /// `LOSSY_UTF8_RE`'s alternatives, in order.
    private static let patterns: [[ByteClass]] = [
        [[0xC2...0xDF], sub],
        [[0xC2...0xC3], [0x3F...0x3F]],
        [[0xED...0xED], [0xA0...0xAF], lost, [0xED...0xED], [0xB0...0xBF], anyContinuation],
        [[0xED...0xED], [0xA0...0xAF], anyContinuation, [0xED...0xED], [0xB0...0xBF], lost],
        [[0xE0...0xEF], lost, continuationOrSub],
        [[0xE0...0xEF], continuationOrSub, lost],
        [[0xF0...0xF4], lost, continuationOrSub, continuationOrSub],
        [[0xF0...0xF4], continuationOrSub, lost, continuationOrSub],
        [[0xF0...0xF4], continuationOrSub, continuationOrSub, lost],
        [sub],
    ]

    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func replace(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x1A) || bytes.contains(0x3F) else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let pattern = patterns.first(where: { matches($0, bytes, at: index) }) {
                result += replacementCharacter
                index += pattern.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    private static func matches(_ pattern: [ByteClass], _ bytes: [UInt8], at start: Int) -> Bool {
        guard start + pattern.count <= bytes.count else { return false }
        return pattern.indices.allSatisfy { offset in
            pattern[offset].contains { $0.contains(bytes[start + offset]) }
        }
    }
}
