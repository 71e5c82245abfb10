/// ftfy's `unescape_html`: replaces `&name;` and `&#number;` references (`&#?[0-9A-Za-z]{1,24};`).
/// Unlike Python's `html.unescape`, a reference without its semicolon is left alone, so URLs like
/// `?a=1&lang=en` survive.
enum HTMLUnescaping {
    static func unescape(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains("&") else { return text }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == "&", let (replacement, length) = reference(in: text, at: index) {
                result.append(contentsOf: replacement)
                index += length
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return result
    }

    /// The replacement and the length of the reference starting at `start` (an `&`), if any.
    private static func reference(in text: [Unicode.Scalar], at start: Int) -> ([Unicode.Scalar], Int)? {
        var cursor = start + 1
        let isNumeric = cursor < text.count && text[cursor] == "#"
        if isNumeric { cursor += 1 }
        let bodyStart = cursor
        while cursor < text.count, cursor - bodyStart < 25, isASCIIAlphanumeric(text[cursor]) { cursor += 1 }
        let body = String(String.UnicodeScalarView(text[bodyStart..<cursor]))
        guard (1...24).contains(body.count), cursor < text.count, text[cursor] == ";" else { return nil }
        let length = cursor + 1 - start
        let replacement = isNumeric ? numericCharacter(body) : namedCharacter(body)
        return replacement.map { ($0, length) }
    }

    /// ftfy also decodes all-caps spellings of lowercase names (`&EACUTE;` → `É`), unless the
    /// capitalised name is an entity of its own.
    private static func namedCharacter(_ name: String) -> [Unicode.Scalar]? {
        if let scalar = HTMLEntityTable.characters[name] { return [scalar] }
        let lowercase = name.lowercased()
        guard name == name.uppercased(), lowercase != name, let scalar = HTMLEntityTable.characters[lowercase]
        else { return nil }
        return Array(String(Character(scalar)).uppercased().unicodeScalars)
    }

    /// `html.unescape` of `&#…;`, accepted only when it consumed the whole reference.
    private static func numericCharacter(_ body: String) -> [Unicode.Scalar]? {
        let value: UInt32?
        if let first = body.first, first == "x" || first == "X" {
            value = parseCodePoint(body.dropFirst(), radix: 16)
        } else {
            value = parseCodePoint(Substring(body), radix: 10)
        }
        guard let value else { return nil }
        let decoded = pythonCharacterReference(value)
        // ftfy keeps the original when the result still holds a semicolon (`&#59;`).
        return decoded.contains(";") ? nil : decoded
    }

    /// nil unless every character is a digit; values past U+10FFFF saturate (they become U+FFFD).
    private static func parseCodePoint(_ digits: Substring, radix: UInt32) -> UInt32? {
        guard !digits.isEmpty else { return nil }
        var value: UInt32 = 0
        for character in digits {
            guard let digit = character.hexDigitValue.map(UInt32.init), digit < radix else { return nil }
            value = min(value * radix + digit, 0x11_0000)
        }
        return value
    }

    /// Python's `html._replace_charref` rules for code points HTML forbids.
    private static func pythonCharacterReference(_ value: UInt32) -> [Unicode.Scalar] {
        switch value {
        case 0: return ["\u{FFFD}"]
        case 0x0D: return ["\r"]
        case 0x80...0x9F: return [SingleByteEncoding.windows1252Scalar(for: UInt8(value))]
        case 0xD800...0xDFFF, 0x11_0000...: return ["\u{FFFD}"]
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0xFDD0...0xFDEF: return []
        case _ where value & 0xFFFE == 0xFFFE: return []
        default: return [Unicode.Scalar(value)!]
        }
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z": return true
        default: return false
        }
    }
}
