extension HeaderValueParameters {
    /// Decodes an RFC 8187 (formerly 5987) extended value such as `UTF-8''%E2%9C%93.jpg`,
    /// which browsers and curl use for non-ASCII file names. Returns nil when it cannot be
    /// decoded, so that the caller falls back to the plain parameter.
    static func decodeExtendedValue(_ text: String) -> String? {
        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        let charset = pieces[0].lowercased()
        guard let bytes = percentDecode(Array(pieces[2].utf8)) else { return nil }
        // %00 and friends would smuggle control bytes past the header-line check.
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        switch charset {
        case "utf-8":
            // Refuse invalid UTF-8 instead of guessing: the plain `filename` is the fallback.
            return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            return nil
        }
    }

    private static func percentDecode(_ bytes: [UInt8]) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                result.append(high << 4 | low)
                index += 3
            } else {
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
