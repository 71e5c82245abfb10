import Foundation

/// The merge list shared by `merges.txt` and OpenAI's `bpe_simple_vocab_16e6.txt.gz`: a header line,
/// then one `left right` pair per line, best first.
enum MergesFile {
    /// CLIP uses the first 49152 - 256 - 2 = 48,894 merges (OpenAI's file holds more). The reference
    /// tokenizers slice to this count whatever the file holds, so a longer file must not add merges.
    static let mergeCount = 49_152 - 256 - 2

    /// Like the references (`read().strip().split("\n")[1 : 48895]`), the first line is dropped
    /// without looking at it: it is `#version: 0.2` in Hugging Face files and a file name in OpenAI's.
    static func parse(_ data: Data, source: URL) throws(CLIPTokenizerError) -> [Merge] {
        let result: Result<[Merge], CLIPTokenizerError> = data.withUnsafeBytes { raw in
            Result { () throws(CLIPTokenizerError) in try merges(in: raw.bindMemory(to: UInt8.self), source: source) }
        }
        return try result.get()
    }

    typealias Merge = (left: String, right: String)

    private typealias Bytes = UnsafeBufferPointer<UInt8>

    private static func merges(in bytes: Bytes, source: URL) throws(CLIPTokenizerError) -> [Merge] {
        var start = 0
        var end = bytes.count
        while start < end && isSpace(bytes[start]) { start += 1 }
        while end > start && isSpace(bytes[end - 1]) { end -= 1 }

        var merges: [Merge] = []
        merges.reserveCapacity(mergeCount)
        var lineNumber = 1
        var lineStart = (bytes.firstIndex(of: 0x0A, in: start..<end) ?? end) + 1
        while lineStart < end && merges.count < mergeCount {
            lineNumber += 1
            let lineEnd = bytes.firstIndex(of: 0x0A, in: lineStart..<end) ?? end
            let line = Bytes(rebasing: bytes[lineStart..<lineEnd])
            merges.append(try merge(in: line, lineNumber: lineNumber, source: source))
            lineStart = lineEnd + 1
        }
        return merges
    }

    /// Python's `line.split()`: the fields between runs of whitespace; exactly two are required.
    private static func merge(in line: Bytes, lineNumber: Int, source: URL) throws(CLIPTokenizerError) -> Merge {
        // The usual "left right" line: one space, no other whitespace at either end.
        if let space = line.firstIndex(of: 0x20, in: 0..<line.count), space > 0, space < line.count - 1,
            line.firstIndex(of: 0x20, in: (space + 1)..<line.count) == nil, !isSpace(line[line.count - 1]),
            line[0] != 0x09
        {
            // Repairing decode is much faster unoptimised; a damaged token fails its vocabulary lookup.
            let left = String(decoding: Bytes(rebasing: line[..<space]), as: UTF8.self)
            let right = String(decoding: Bytes(rebasing: line[(space + 1)...]), as: UTF8.self)
            return (left, right)
        }
        var fields: [Range<Int>] = []
        var index = 0
        while index < line.count {
            if isSpace(line[index]) {
                index += 1
                continue
            }
            let fieldStart = index
            while index < line.count && !isSpace(line[index]) { index += 1 }
            fields.append(fieldStart..<index)
        }
        guard fields.count == 2 else {
            let text = String(decoding: line, as: UTF8.self)
            throw .malformedMerges(
                source, line: lineNumber, reason: "expected two tokens separated by a space, found \"\(text)\"")
        }
        guard let left = String(validating: line[fields[0]], as: UTF8.self),
            let right = String(validating: line[fields[1]], as: UTF8.self)
        else {
            throw .malformedMerges(source, line: lineNumber, reason: "not valid UTF-8")
        }
        return (left, right)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09...0x0D: return true
        default: return false
        }
    }
}
