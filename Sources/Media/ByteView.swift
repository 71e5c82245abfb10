/// Bounds-checked reads over untrusted bytes: every accessor returns nil instead of trapping,
/// so a truncated or hostile header can never crash the process.
struct ByteView {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    /// True when `length` bytes starting at `offset` are inside the view.
    func contains(_ offset: Int, length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func uint8(_ offset: Int) -> UInt8? {
        contains(offset, length: 1) ? bytes[offset] : nil
    }

    func uint16(_ offset: Int, littleEndian: Bool = false) -> UInt16? {
        integer(offset, length: 2, littleEndian: littleEndian).map { UInt16($0) }
    }

    func uint24(_ offset: Int, littleEndian: Bool = false) -> UInt32? {
        integer(offset, length: 3, littleEndian: littleEndian).map { UInt32($0) }
    }

    func uint32(_ offset: Int, littleEndian: Bool = false) -> UInt32? {
        integer(offset, length: 4, littleEndian: littleEndian).map { UInt32($0) }
    }

    func uint64(_ offset: Int, littleEndian: Bool = false) -> UInt64? {
        integer(offset, length: 8, littleEndian: littleEndian)
    }

    /// `length` bytes decoded as Latin-1 (four-character codes, EBML strings); nil out of bounds.
    func ascii(_ offset: Int, length: Int) -> String? {
        guard contains(offset, length: length) else { return nil }
        return String(String.UnicodeScalarView(bytes[offset..<offset + length].map { Unicode.Scalar($0) }))
    }

    func matches(_ offset: Int, _ pattern: [UInt8]) -> Bool {
        contains(offset, length: pattern.count) && bytes[offset..<offset + pattern.count].elementsEqual(pattern)
    }

    func matches(_ offset: Int, _ text: String) -> Bool {
        matches(offset, Array(text.utf8))
    }

    private func integer(_ offset: Int, length: Int, littleEndian: Bool) -> UInt64? {
        guard contains(offset, length: length) else { return nil }
        var value: UInt64 = 0
        for index in 0..<length {
            let byte = UInt64(bytes[littleEndian ? offset + length - 1 - index : offset + index])
            value = value << 8 | byte
        }
        return value
    }
}

extension Int {
    /// `self + length` when it stays within `limit`, else nil: sizes read from a file can be
    /// anything up to 2^64 and a plain `+` would trap on overflow.
    func advanced(by length: UInt64, within limit: Int) -> Int? {
        guard self >= 0, self <= limit, length <= UInt64(limit - self) else { return nil }
        return self + Int(length)
    }
}
