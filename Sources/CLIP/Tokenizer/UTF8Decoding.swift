/// Decoding the bytes recovered from mojibake. A failed decode is how ftfy learns that a codec guess
/// was wrong, so invalid input gives nil rather than U+FFFD replacements.
enum UTF8Decoding {
    /// Python's strict `bytes.decode("utf-8")`.
    static func strict<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(bytes.count)
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return scalars
            case .error: return nil
            }
        }
    }

    /// ftfy's "utf-8-variants", used when the bytes contain 0xED or 0xC0: also accepts Java's C0 80
    /// for U+0000 and CESU-8 surrogate pairs, which some databases and Java programs write.
    static func variants(_ bytes: [UInt8]) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        var chunkStart = 0
        var index = 0
        func flush(upTo end: Int) -> Bool {
            guard let decoded = strict(bytes[chunkStart..<end]) else { return false }
            scalars += decoded
            return true
        }
        while index < bytes.count {
            if bytes[index] == 0xC0, index + 1 < bytes.count, bytes[index + 1] == 0x80 {
                guard flush(upTo: index) else { return nil }
                scalars.append("\u{0}")
                index += 2
                chunkStart = index
            } else if let scalar = surrogatePair(in: bytes, at: index) {
                guard flush(upTo: index) else { return nil }
                scalars.append(scalar)
                index += 6
                chunkStart = index
            } else {
                index += 1
            }
        }
        return flush(upTo: bytes.count) ? scalars : nil
    }

    /// `ED A0…AF 80…BF ED B0…BF 80…BF`: a UTF-16 surrogate pair with each half encoded separately.
    private static func surrogatePair(in bytes: [UInt8], at start: Int) -> Unicode.Scalar? {
        guard start + 6 <= bytes.count, bytes[start] == 0xED, bytes[start + 3] == 0xED,
            (0xA0...0xAF).contains(bytes[start + 1]), (0xB0...0xBF).contains(bytes[start + 4]),
            (0x80...0xBF).contains(bytes[start + 2]), (0x80...0xBF).contains(bytes[start + 5])
        else { return nil }
        let high = UInt32(bytes[start + 1] & 0x0F) << 16 | UInt32(bytes[start + 2] & 0x3F) << 10
        let low = UInt32(bytes[start + 4] & 0x0F) << 6 | UInt32(bytes[start + 5] & 0x3F)
        return Unicode.Scalar(0x10000 + high + low)
    }
}
