extension JSONTreeBuilder {
    /// Validates the number with the scanner's rules (including PostgreSQL `numeric`'s limits),
    /// keeps its text, and classifies it by the narrowest SQL type that holds it exactly.
    mutating func parseNumber() throws -> JSONNumber {
        let start = cursor.position
        try cursor.scanNumber()
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor.position])
        let string = String(decoding: text, as: UTF8.self)
        return JSONNumber(text: string, kind: NumberClassification.kind(ofValidNumber: text, string: string))
    }
}

/// Which `ValueKind` a valid JSON number text has.
enum NumberClassification {
    static func kind(ofValidNumber text: UnsafeRawBufferPointer, string: String) -> ValueKind {
        let isNegative = text.first == UInt8(ascii: "-")
        var isInteger = true
        for byte in text where byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            break
        }
        if isInteger {
            // JSON forbids leading zeros, so the digit count decides, except at 19 digits.
            let digits = UnsafeRawBufferPointer(rebasing: text[(isNegative ? 1 : 0)...])
            if digits.count != 19 { return digits.count < 19 ? .integer : .bigInteger }
            let limit: StaticString = isNegative ? "9223372036854775808" : "9223372036854775807"
            let limitBytes = UnsafeRawBufferPointer(start: limit.utf8Start, count: 19)
            return digits.lexicographicallyPrecedes(limitBytes) || digits.elementsEqual(limitBytes)
                ? .integer : .bigInteger
        }
        guard let value = Double(string), value.isFinite else { return .hugeNumber }
        // `1e-400` reads as 0 but is not 0: only `numeric` holds it.
        if value == 0 && hasNonZeroSignificand(text) { return .hugeNumber }
        return .float
    }

    private static func hasNonZeroSignificand(_ text: UnsafeRawBufferPointer) -> Bool {
        for byte in text {
            if byte | 0x20 == UInt8(ascii: "e") { return false }
            if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return true }
        }
        return false
    }

    /// The number's value as a `Double` (an integer's exactly when it fits 2^53), for minimum
    /// and maximum. Integers are read directly: `Double(String)` is far slower.
    static func doubleValue(ofValidNumber text: UnsafeRawBufferPointer, kind: ValueKind) -> Double {
        if kind == .integer {
            let isNegative = text.first == UInt8(ascii: "-")
            var magnitude: UInt64 = 0
            for byte in text[(isNegative ? 1 : 0)...] { magnitude = magnitude &* 10 &+ UInt64(byte &- 48) }
            return isNegative ? -Double(magnitude) : Double(magnitude)
        }
        let string = String(decoding: text, as: UTF8.self)
        if let value = Double(string) { return value }
        return text.first == UInt8(ascii: "-") ? -.infinity : .infinity
    }
}
