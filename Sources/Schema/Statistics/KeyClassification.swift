/// Whether an object key looks like data (an identifier, a date, an address) rather than a
/// field name. Many such keys under one path mean the object is a map, e.g. users by id.
enum KeyClassification {
    static func isDataLike(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { isDataLike(utf8: $0) }
    }

    static func isDataLike(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = key.first else { return false }
        if StringFormat.isDigit(first) {
            if key.allSatisfy(StringFormat.isDigit) { return true }
            if StringFormat.isDate(key) || StringFormat.isDateTime(key) { return true }
        }
        if key.count == 36 && StringFormat.isUUID(key) { return true }
        if key.count >= 8 && isHexIdentifier(key) { return true }
        if StringFormat.isLetter(first) && hasShortPrefixAndDigits(key) { return true }
        return key.contains(UInt8(ascii: "@")) && StringFormat.isEmail(key)
    }

    /// Hexadecimal with at least one digit: `5f3a9c12` is an identifier, `deadbeef`-like words
    /// are too rare to matter and `facade` is a field name.
    private static func isHexIdentifier(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        key.allSatisfy(StringFormat.isHexDigit) && key.contains(where: StringFormat.isDigit)
    }

    /// 1–8 letters, an optional `_`, `-`, `.` or `:`, then at least two digits to the end:
    /// `u123`, `id_42`, `A17`, `sparse_123`. One digit (`str1`, `line2`) is a field name.
    private static func hasShortPrefixAndDigits(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < key.count && StringFormat.isLetter(key[index]) { index += 1 }
        guard (1...8).contains(index), index < key.count else { return false }
        switch key[index] {
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"): index += 1
        default: break
        }
        let digits = key.count - index
        guard digits >= 2 else { return false }
        return key[index...].allSatisfy(StringFormat.isDigit)
    }
}
