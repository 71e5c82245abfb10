import Foundation

/// ftfy 6.3.1 `fix_text` with its default configuration, which the reference CLIP tokenizer runs on
/// every input. Token ids for real-world text (curly quotes, fullwidth letters, `&amp;`, mojibake)
/// only match the reference when these repairs match.
enum TextFixer {
    static func fixText(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        // ftfy fixes line by line (each line keeps its "\n"), and once a line contains "<" it stops
        // unescaping HTML for that line and every later one: the text is probably HTML itself.
        var unescapesHTML = true
        var lineStart = 0
        while lineStart < scalars.count {
            let lineEnd = scalars[lineStart...].firstIndex(of: "\n").map { $0 + 1 } ?? scalars.count
            let line = Array(scalars[lineStart..<lineEnd])
            if line.contains("<") { unescapesHTML = false }
            output.append(contentsOf: fixSegment(line, unescapesHTML: unescapesHTML))
            lineStart = lineEnd
        }
        return output
    }

    /// ftfy's `fix_and_explain`: apply every fixer in order until the text stops changing, because one
    /// repair can expose another (`&amp;amp;` needs two rounds).
    static func fixSegment(_ segment: [Unicode.Scalar], unescapesHTML: Bool) -> [Unicode.Scalar] {
        if isPlainASCII(segment) { return segment }
        var text = segment
        while true {
            let original = text
            if unescapesHTML { text = HTMLUnescaping.unescape(text) }
            text = MojibakeRepair.fixEncoding(text)
            if text.contains(where: MojibakeRepair.isC1Control) { text = MojibakeRepair.fixC1Controls(text) }
            text = CharacterFixes.fixLatinLigatures(text)
            text = CharacterFixes.fixCharacterWidth(text)
            text = CharacterFixes.uncurlQuotes(text)
            text = CharacterFixes.fixLineBreaks(text)
            text = CharacterFixes.removeTerminalEscapes(text)
            text = CharacterFixes.removeControlCharacters(text)
            text = canonicallyComposed(text)
            if text == original { return text }
        }
    }

    /// Printable ASCII, tabs and newlines without `&`: no fixer can change it, and most queries are so.
    private static func isPlainASCII(_ text: [Unicode.Scalar]) -> Bool {
        text.allSatisfy { scalar in
            (0x20...0x7E).contains(scalar.value) && scalar != "&" || scalar == "\n" || scalar == "\t"
        }
    }

    /// NFC, ftfy's final step. Scalars below U+0300 never change under NFC, which spares the
    /// Foundation round trip for most queries.
    static func canonicallyComposed(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if text.allSatisfy({ $0.value < 0x300 }) { return text }
        let string = String(String.UnicodeScalarView(text))
        return Array(string.precomposedStringWithCanonicalMapping.unicodeScalars)
    }
}
