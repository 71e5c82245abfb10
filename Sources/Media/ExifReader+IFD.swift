/// One 12-byte IFD entry: where its value is, not yet read.
struct IFDEntry {
    let type: UInt16
    let count: Int
    /// Absolute offset of the value's first byte in the view.
    let valueOffset: Int
}

/// Reads the entries of TIFF image file directories, with offsets relative to `base`.
struct IFDReader {
    let view: ByteView
    let base: Int
    let littleEndian: Bool

    /// Entries are capped: a real IFD has tens, a hostile one claims 65,535.
    static let maximumEntries = 512

    func entries(at offset: UInt32) -> [UInt16: IFDEntry] {
        guard let directory = base.advanced(by: UInt64(offset), within: view.count),
            let declared = view.uint16(directory, littleEndian: littleEndian)
        else { return [:] }
        var entries: [UInt16: IFDEntry] = [:]
        for index in 0..<min(Int(declared), Self.maximumEntries) {
            let entry = directory + 2 + index * 12
            guard view.contains(entry, length: 12), let tag = view.uint16(entry, littleEndian: littleEndian),
                let type = view.uint16(entry + 2, littleEndian: littleEndian),
                let count = view.uint32(entry + 4, littleEndian: littleEndian),
                let size = Self.size(of: type)
            else { continue }
            let total = UInt64(count) * UInt64(size)
            let valueOffset: Int?
            if total <= 4 {
                valueOffset = entry + 8
            } else {
                valueOffset = view.uint32(entry + 8, littleEndian: littleEndian).flatMap {
                    base.advanced(by: UInt64($0), within: view.count)
                }
            }
            guard let valueOffset, view.contains(valueOffset, length: Int(clamping: total)) else { continue }
            entries[tag] = IFDEntry(type: type, count: Int(count), valueOffset: valueOffset)
        }
        return entries
    }

    /// ASCII text without its NUL terminator and padding; nil when empty.
    func text(_ entry: IFDEntry) -> String? {
        guard entry.type == 2 || entry.type == 7, entry.count <= 1024 else { return nil }
        let bytes = view.bytes[entry.valueOffset..<entry.valueOffset + entry.count].prefix { $0 != 0 }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return nil }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// The first value of a BYTE, SHORT or LONG entry.
    func integer(_ entry: IFDEntry) -> Int? {
        guard entry.count >= 1 else { return nil }
        switch entry.type {
        case 1: return view.uint8(entry.valueOffset).map(Int.init)
        case 3: return view.uint16(entry.valueOffset, littleEndian: littleEndian).map(Int.init)
        case 4: return view.uint32(entry.valueOffset, littleEndian: littleEndian).map(Int.init)
        default: return nil
        }
    }

    func rationals(_ entry: IFDEntry) -> [(numerator: Int64, denominator: Int64)]? {
        guard entry.type == 5 || entry.type == 10, entry.count <= 16 else { return nil }
        var values: [(numerator: Int64, denominator: Int64)] = []
        for index in 0..<entry.count {
            let offset = entry.valueOffset + index * 8
            guard let numerator = view.uint32(offset, littleEndian: littleEndian),
                let denominator = view.uint32(offset + 4, littleEndian: littleEndian)
            else { return nil }
            values.append(
                entry.type == 10
                    ? (Int64(Int32(bitPattern: numerator)), Int64(Int32(bitPattern: denominator)))
                    : (Int64(numerator), Int64(denominator)))
        }
        return values
    }

    func rationalValue(_ entry: IFDEntry) -> Double? {
        guard let first = rationals(entry)?.first, first.denominator != 0 else { return nil }
        return Double(first.numerator) / Double(first.denominator)
    }

    static func size(of type: UInt16) -> Int? {
        switch type {
        case 1, 2, 6, 7: 1
        case 3, 8: 2
        case 4, 9, 11: 4
        case 5, 10, 12: 8
        default: nil
        }
    }
}
