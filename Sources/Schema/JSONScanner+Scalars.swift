extension JSONScanner {
    mutating func scanString() throws {
        position += 1  // opening quote
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                try scanEscape()
            case 0x00..<0x20:
                throw error("control character in a string")
            case 0x80...:
                try scanUTF8Sequence()
            default:
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func scanEscape() throws {
        position += 1
        guard position < bytes.count else { throw error("unterminated escape") }
        switch bytes[position] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            let unit = try scanUnicodeEscapeUnit()
            switch unit {
            case 0:
                throw error("\\u0000 is not allowed: text cannot hold a NUL character")
            case 0xD800...0xDBFF:
                // A high surrogate counts only as the first half of a pair.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                position += 1
                guard (0xDC00...0xDFFF).contains(try scanUnicodeEscapeUnit()) else {
                    throw error("unpaired UTF-16 surrogate in a \\u escape")
                }
            case 0xDC00...0xDFFF:
                throw error("unpaired UTF-16 surrogate in a \\u escape")
            default:
                break
            }
        default:
            throw error("invalid escape")
        }
    }

    /// Reads `uXXXX` (the position is on the `u`) and returns the code unit.
    private mutating func scanUnicodeEscapeUnit() throws -> UInt16 {
        guard position + 4 < bytes.count, (1...4).allSatisfy({ isHexDigit(bytes[position + $0]) }) else {
            throw error("invalid \\u escape")
        }
        var unit: UInt16 = 0
        for offset in 1...4 {
            let byte = bytes[position + offset]
            unit = unit << 4 | UInt16(isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10)
        }
        position += 5
        return unit
    }

    /// Accepts exactly the well-formed UTF-8 sequences (no overlongs, no surrogates, ≤ U+10FFFF).
    private mutating func scanUTF8Sequence() throws {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw error("invalid UTF-8")
        }
        guard position + length <= bytes.count, secondRange.contains(bytes[position + 1]) else {
            throw error("invalid UTF-8")
        }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[position + offset]) {
            throw error("invalid UTF-8")
        }
        position += length
    }

    /// Numbers are kept exactly as written, so any size is accepted that PostgreSQL's `numeric`
    /// (which `jsonb` uses) can hold: the leading digit at most 10^131071, and at most 16,383
    /// digits after the decimal point. Anything beyond would be accepted here and refused later.
    mutating func scanNumber() throws {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
        let integerStart = position
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        let integerDigits = integerStart..<position
        var fractionDigits = position..<position
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            let fractionStart = position
            skipDigits()
            fractionDigits = fractionStart..<position
        }
        var exponent = 0
        if position < bytes.count && (bytes[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            var negative = false
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-"))
            {
                negative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            let exponentStart = position
            skipDigits()
            guard position - exponentStart <= 9 else { throw numberOutOfRange(at: start) }
            for index in exponentStart..<position { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            if negative { exponent = -exponent }
        }
        let scale = fractionDigits.count - exponent
        guard scale <= Self.maximumNumericScale else { throw numberOutOfRange(at: start) }
        // The power of ten of the leading non-zero digit; zero has none and always fits.
        let leadingPower: Int?
        if let first = integerDigits.first(where: { bytes[$0] != UInt8(ascii: "0") }) {
            leadingPower = integerDigits.upperBound - first - 1 + exponent
        } else if let first = fractionDigits.first(where: { bytes[$0] != UInt8(ascii: "0") }) {
            leadingPower = fractionDigits.lowerBound - first - 1 + exponent
        } else {
            leadingPower = nil
        }
        if let leadingPower, leadingPower > Self.maximumNumericLeadingPower { throw numberOutOfRange(at: start) }
    }

    static let maximumNumericScale = 16_383
    static let maximumNumericLeadingPower = 131_071

    private func numberOutOfRange(at start: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: start, reason: "number out of range (beyond what PostgreSQL numeric holds)")
    }

    private mutating func skipDigits() {
        while position < bytes.count && isDigit(bytes[position]) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
}
