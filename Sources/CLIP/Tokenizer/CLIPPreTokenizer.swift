/// CLIP's word splitter, the regex
/// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
/// (case-insensitive), matched by hand over Unicode scalars: NSRegularExpression is slow and its
/// Unicode classes differ between platforms. Alternatives are tried in the regex's order at each
/// position, so `'s` is a contraction only where a match starts, never inside a punctuation run.
enum CLIPPreTokenizer {
    static let specialTokens = ["<|startoftext|>", "<|endoftext|>"]
    private static let specialTokenScalars = specialTokens.map { Array($0.unicodeScalars) }
    private static let contractions: [[Unicode.Scalar]] = ["s", "t", "re", "ve", "m", "ll", "d"].map {
        Array($0.unicodeScalars)
    }

    /// The pieces of already cleaned and lowercased text, in order.
    static func pieces(of text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var pieces: [[Unicode.Scalar]] = []
        var start = 0
        while start < text.count {
            let length = matchLength(in: text, at: start)
            if length == 0 {
                start += 1  // findall skips what no alternative matches
            } else {
                pieces.append(Array(text[start..<(start + length)]))
                start += length
            }
        }
        return pieces
    }

    private static func matchLength(in text: [Unicode.Scalar], at start: Int) -> Int {
        let first = text[start]
        if first == "<", let special = specialTokenScalars.first(where: { text[start...].starts(with: $0) }) {
            return special.count
        }
        if first == "'", let length = contractionLength(in: text, at: start + 1) {
            return 1 + length
        }
        if PythonText.isLetter(first) {
            return runLength(in: text, from: start, while: PythonText.isLetter)
        }
        if PythonText.isNumber(first) {
            return 1
        }
        if isUnmatched(first) {
            return 0
        }
        return runLength(in: text, from: start) { scalar in
            !isUnmatched(scalar) && !PythonText.isLetter(scalar) && !PythonText.isNumber(scalar)
        }
    }

    /// Whitespace, and U+0345 COMBINING GREEK YPOGEGRAMMENI: under IGNORECASE it counts as a letter
    /// for the negated class (it case-folds to ι) but not for `[\p{L}]+`, so no alternative matches
    /// it and the reference drops it. It is the only character whose class IGNORECASE changes.
    private static func isUnmatched(_ scalar: Unicode.Scalar) -> Bool {
        PythonText.isSpace(scalar) || scalar == "\u{345}"
    }

    private static func contractionLength(in text: [Unicode.Scalar], at start: Int) -> Int? {
        let rest = text[start...].lazy.map(caseFolded)
        return contractions.first { rest.starts(with: $0) }?.count
    }

    /// The simple case folding the IGNORECASE regex applies; after lowercasing only `ſ` (long s,
    /// which folds to `s`) still differs from its folded form among the contraction letters.
    private static func caseFolded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "A"..."Z": return Unicode.Scalar(scalar.value + 32)!
        case "\u{17F}": return "s"
        default: return scalar
        }
    }

    private static func runLength(
        in text: [Unicode.Scalar], from start: Int, while belongs: (Unicode.Scalar) -> Bool
    ) -> Int {
        var end = start
        while end < text.count, belongs(text[end]) { end += 1 }
        return end - start
    }
}
