extension StringFormat {
    /// The first format (in declaration order) the whole string matches, or nil. Strict, so
    /// that PostgreSQL accepts every value of a column typed from it: dates must exist (leap
    /// years included), seconds stop at 59, offsets at ±15:59.
    public static func detect(_ value: String) -> StringFormat? {
        var value = value
        return value.withUTF8 { detect(utf8: $0) }
    }

    /// Cheap length and first-byte checks come first: most strings are rejected by every format
    /// after looking at a byte or two, which matters because statistics test every string.
    static func detect(utf8 text: UnsafeBufferPointer<UInt8>) -> StringFormat? {
        let count = text.count
        guard count > 0 else { return nil }
        let first = text[0]
        if isDigit(first) {
            if count >= 19 && isDateTime(text) { return .dateTime }
            if count == 10 && isDate(text) { return .date }
        }
        if count == 36 && isUUID(text) { return .uuid }
        // Emails and URIs need an `@` or a `:`; one scan for either spares two full checks.
        if isLetter(first) || isDigit(first),
            text.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: ":") })
        {
            if isEmail(text) { return .email }
            if isLetter(first) && isURI(text) { return .uri }
        }
        if (isDigit(first) || first == UInt8(ascii: "-")) && isIntegerString(text) { return .integerString }
        return nil
    }

    // MARK: dates and times

    static func isDate(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.count == 10 && hasValidDate(text)
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|z|±HH[[:]MM]]`.
    static func isDateTime(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count >= 19, hasValidDate(text),
            text[10] == UInt8(ascii: "T") || text[10] == UInt8(ascii: " "),
            let hour = twoDigits(text, 11), hour <= 23, text[13] == UInt8(ascii: ":"),
            let minute = twoDigits(text, 14), minute <= 59, text[16] == UInt8(ascii: ":"),
            let second = twoDigits(text, 17), second <= 59
        else { return false }
        var index = 19
        if index < text.count && text[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < text.count && isDigit(text[index]) { index += 1 }
            guard (1...9).contains(index - fractionStart) else { return false }
        }
        guard index < text.count else { return true }
        switch text[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return index + 1 == text.count
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHour = twoDigits(text, index + 1), offsetHour <= 15 else { return false }
            index += 3
            if index == text.count { return true }
            if text[index] == UInt8(ascii: ":") { index += 1 }
            guard let offsetMinute = twoDigits(text, index), offsetMinute <= 59 else { return false }
            return index + 2 == text.count
        default:
            return false
        }
    }

    /// `YYYY-MM-DD` at the start, with a day that exists in year 0001–9999.
    private static func hasValidDate(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count >= 10, let century = twoDigits(text, 0), let yearInCentury = twoDigits(text, 2),
            text[4] == UInt8(ascii: "-"), let month = twoDigits(text, 5), text[7] == UInt8(ascii: "-"),
            let day = twoDigits(text, 8)
        else { return false }
        let year = century * 100 + yearInCentury
        guard year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let isLeapYear = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let daysInMonth: Int
        switch month {
        case 2: daysInMonth = isLeapYear ? 29 : 28
        case 4, 6, 9, 11: daysInMonth = 30
        default: daysInMonth = 31
        }
        return day <= daysInMonth
    }

    private static func twoDigits(_ text: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int? {
        guard index + 1 < text.count, isDigit(text[index]), isDigit(text[index + 1]) else { return nil }
        return Int(text[index] - UInt8(ascii: "0")) * 10 + Int(text[index + 1] - UInt8(ascii: "0"))
    }

    // MARK: identifiers

    /// 8-4-4-4-12 hexadecimal digits, any case.
    static func isUUID(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == 36 else { return false }
        for index in 0..<36 {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard text[index] == UInt8(ascii: "-") else { return false }
            } else {
                guard isHexDigit(text[index]) else { return false }
            }
        }
        return true
    }

    /// `local@domain.tld`: one `@`, no spaces, a dotted domain of letters, digits and hyphens
    /// ending in a label of at least two letters.
    static func isEmail(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = text.firstIndex(of: UInt8(ascii: "@")), at > 0, at < text.count - 1 else { return false }
        for index in 0..<at {
            let byte = text[index]
            guard byte > 0x20, byte < 0x7F, !emailLocalForbidden(byte) else { return false }
        }
        var labelLength = 0
        var lastLabelIsLetters = true
        var dots = 0
        for index in (at + 1)..<text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                dots += 1
                labelLength = 0
                lastLabelIsLetters = true
            } else if isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "-") {
                labelLength += 1
                lastLabelIsLetters = lastLabelIsLetters && isLetter(byte)
            } else {
                return false
            }
        }
        return dots > 0 && labelLength >= 2 && lastLabelIsLetters
    }

    private static func emailLocalForbidden(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "@"), UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: ":"), UInt8(ascii: "\\"):
            true
        default: false
        }
    }

    /// A scheme of at least two characters, then `://` (or the scheme is `mailto`, `urn` or
    /// `data`), then at least one character; no whitespace or control characters anywhere.
    /// The `://` requirement keeps `a:b`, `note:1` and times out.
    static func isURI(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !text.isEmpty, isLetter(text[0]) else { return false }
        var index = 1
        while index < text.count {
            let byte = text[index]
            guard
                isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "-")
            else { break }
            index += 1
        }
        let schemeLength = index
        guard schemeLength >= 2, index < text.count, text[index] == UInt8(ascii: ":") else { return false }
        index += 1
        if index + 1 < text.count && text[index] == UInt8(ascii: "/") && text[index + 1] == UInt8(ascii: "/") {
            index += 2
        } else {
            guard isOpaqueScheme(UnsafeBufferPointer(rebasing: text[0..<schemeLength])) else { return false }
        }
        guard index < text.count else { return false }
        for position in index..<text.count where text[position] <= 0x20 || text[position] == 0x7F { return false }
        return true
    }

    private static func isOpaqueScheme(_ scheme: UnsafeBufferPointer<UInt8>) -> Bool {
        let lowercased = scheme.map { $0 | 0x20 }
        return lowercased.elementsEqual("mailto".utf8) || lowercased.elementsEqual("urn".utf8)
            || lowercased.elementsEqual("data".utf8)
    }

    /// `-?` then 1–19 digits without leading zeros, within Int64.
    static func isIntegerString(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let isNegative = text.first == UInt8(ascii: "-")
        let digits = UnsafeBufferPointer(rebasing: text[(isNegative ? 1 : 0)...])
        guard (1...19).contains(digits.count), digits.allSatisfy(isDigit) else { return false }
        guard digits[0] != UInt8(ascii: "0") || digits.count == 1 else { return false }
        guard digits.count == 19 else { return true }
        let limit = isNegative ? "9223372036854775808" : "9223372036854775807"
        return !limit.utf8.lexicographicallyPrecedes(digits)
    }

    // MARK: bytes

    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6 }
}
