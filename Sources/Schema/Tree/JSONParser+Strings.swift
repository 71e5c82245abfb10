extension JSONTreeBuilder {
    /// Reads the string at the cursor (on its opening quote). The common case, printable ASCII
    /// without escapes, is copied straight from the input; anything else is first validated by
    /// the scanner (so the rules and messages are the scanner's) and then decoded.
    ///
    /// Keys are hashed from their decoded UTF-8, so equal keys always have equal hashes however
    /// they were escaped.
    mutating func parseString(hashingKey: Bool) throws -> (string: String, hash: UInt64) {
        let start = cursor.position + 1
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                cursor.position = index + 1
                return (String(decoding: content, as: UTF8.self), hashingKey ? ValueHash.hash(content) : 0)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        try cursor.scanString()
        let content = UnsafeRawBufferPointer(rebasing: bytes[start..<(cursor.position - 1)])
        guard content.contains(UInt8(ascii: "\\")) else {
            return (String(decoding: content, as: UTF8.self), hashingKey ? ValueHash.hash(content) : 0)
        }
        unescape(content)
        return unescaped.withUnsafeBytes { decoded in
            (String(decoding: decoded, as: UTF8.self), hashingKey ? ValueHash.hash(decoded) : 0)
        }
    }

    /// Decodes escapes into `unescaped`. The content has passed the scanner, so every escape is
    /// well formed and every surrogate is paired.
    private mutating func unescape(_ content: UnsafeRawBufferPointer) {
        unescaped.removeAll(keepingCapacity: true)
        var index = 0
        while index < content.count {
            let byte = content[index]
            guard byte == UInt8(ascii: "\\") else {
                unescaped.append(byte)
                index += 1
                continue
            }
            let escaped = content[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(Self.hexValue(content, at: index))
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = UInt32(Self.hexValue(content, at: index + 2))
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(scalar)
            default: unescaped.append(escaped)  // `"`, `\` and `/` stand for themselves
            }
        }
    }

    private static func hexValue(_ content: UnsafeRawBufferPointer, at index: Int) -> UInt16 {
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = content[index + offset]
            let digit = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            unescaped.append(UInt8(scalar))
        case ..<0x800:
            unescaped.append(UInt8(0xC0 | scalar >> 6))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            unescaped.append(UInt8(0xE0 | scalar >> 12))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        default:
            unescaped.append(UInt8(0xF0 | scalar >> 18))
            unescaped.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            unescaped.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
