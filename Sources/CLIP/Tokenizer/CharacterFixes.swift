import Foundation

/// ftfy's per-character fixers. They make visually identical text tokenize identically: `ﬁ` and `fi`,
/// `ＡＢＣ` and `ABC`, `it’s` and `it's` would otherwise get unrelated ids.
enum CharacterFixes {
    /// ftfy's `LIGATURES`: typographic ligatures and the Dutch/Serbo-Croatian digraph letters.
    /// (Other ligatures such as `œ` or `æ` are letters in their own right and stay.)
    static let ligatures: [Unicode.Scalar: String] = [
        "Ĳ": "IJ", "ĳ": "ij", "ŉ": "ʼn", "Ǳ": "DZ", "ǲ": "Dz", "ǳ": "dz", "Ǆ": "DŽ", "ǅ": "Dž", "ǆ": "dž",
        "Ǉ": "LJ", "ǈ": "Lj", "ǉ": "lj", "Ǌ": "NJ", "ǋ": "Nj", "ǌ": "nj", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl",
        "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ſt", "ﬆ": "st",
    ]

    /// ftfy's `WIDTH_MAP`: U+3000 → space, and every halfwidth/fullwidth form U+FF01…U+FFEF to its NFKC
    /// equivalent, computed the same way ftfy computes it.
    static let widthMap: [Unicode.Scalar: [Unicode.Scalar]] = {
        var map: [Unicode.Scalar: [Unicode.Scalar]] = ["\u{3000}": [" "]]
        for value in UInt32(0xFF01)..<0xFFF0 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let original = String(Character(scalar))
            let alternate = Array(original.precomposedStringWithCompatibilityMapping.unicodeScalars)
            if alternate != [scalar] { map[scalar] = alternate }
        }
        return map
    }()

    static func fixLatinLigatures(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        replacing(text) { scalar in
            scalar.value < 0x132 ? nil : ligatures[scalar].map { Array($0.unicodeScalars) }
        }
    }

    static func fixCharacterWidth(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        replacing(text) { $0.value >= 0x3000 ? widthMap[$0] : nil }
    }

    /// ftfy's `uncurl_quotes`: U+201C…U+201F → `"`, U+02BC and U+2018…U+201B → `'`.
    static func uncurlQuotes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.map { scalar in
            switch scalar.value {
            case 0x201C...0x201F: return "\""
            case 0x02BC, 0x2018...0x201B: return "'"
            default: return scalar
            }
        }
    }

    /// ftfy's `fix_line_breaks`: CRLF, CR, U+2028, U+2029 and U+0085 become "\n".
    static func fixLineBreaks(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        for (index, scalar) in text.enumerated() {
            switch scalar {
            case "\r" where index + 1 < text.count && text[index + 1] == "\n": continue
            case "\r", "\u{2028}", "\u{2029}", "\u{85}": result.append("\n")
            default: result.append(scalar)
            }
        }
        return result
    }

    /// ftfy's `remove_terminal_escapes`: ANSI sequences `ESC [ (digits|;)* letter`.
    static func removeTerminalEscapes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains("\u{1B}") else { return text }
        var result: [Unicode.Scalar] = []
        var index = 0
        while index < text.count {
            if text[index] == "\u{1B}", index + 1 < text.count, text[index + 1] == "[" {
                var end = index + 2
                while end < text.count, text[end] == ";" || ("0"..."9").contains(text[end]) { end += 1 }
                if end < text.count, text[end].isASCII, text[end].properties.isAlphabetic {
                    index = end + 1
                    continue
                }
            }
            result.append(text[index])
            index += 1
        }
        return result
    }

    /// ftfy's `remove_control_chars`: C0 controls other than tab/LF/FF/CR, DEL, the deprecated
    /// format characters U+206A…U+206F, the BOM/ZWNBSP and the interlinear annotation characters.
    /// (Zero-width space U+200B and joiners are not in the list and stay.)
    static func removeControlCharacters(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.filter { scalar in
            switch scalar.value {
            case 0x00...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0x206A...0x206F, 0xFEFF, 0xFFF9...0xFFFC: return false
            default: return true
            }
        }
    }

    private static func replacing(
        _ text: [Unicode.Scalar], with replacement: (Unicode.Scalar) -> [Unicode.Scalar]?
    ) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        for scalar in text {
            if let replaced = replacement(scalar) {
                result.append(contentsOf: replaced)
            } else {
                result.append(scalar)
            }
        }
        return result
    }
}
