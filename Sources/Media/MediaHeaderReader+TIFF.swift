extension MediaHeaderReader {
    private static let imageWidthTag: UInt16 = 256
    private static let imageLengthTag: UInt16 = 257
    private static let orientationTag: UInt16 = 274

    /// Reads IFD0 of a TIFF structure starting at `base`: a TIFF file, or the Exif payload of a
    /// JPEG or WebP, whose offsets are relative to its own start. Both byte orders occur in
    /// practice (cameras differ), so the order mark decides every read.
    static func readTIFF(_ view: ByteView, base: Int, into header: inout MediaHeader, includingSize: Bool) {
        guard let littleEndian = view.tiffByteOrder(at: base),
            let ifdOffset = view.uint32(base + 4, littleEndian: littleEndian),
            let ifd = base.advanced(by: UInt64(ifdOffset), within: view.count),
            let entryCount = view.uint16(ifd, littleEndian: littleEndian)
        else { return }

        var width: UInt32?
        var height: UInt32?
        for index in 0..<Int(entryCount) {
            let entry = ifd + 2 + index * 12
            guard view.contains(entry, length: 12), let tag = view.uint16(entry, littleEndian: littleEndian) else {
                break
            }
            guard let value = inlineValue(view, entry: entry, littleEndian: littleEndian) else { continue }
            switch tag {
            case imageWidthTag: width = value
            case imageLengthTag: height = value
            case orientationTag: header.setOrientation(value)
            default: continue
            }
        }
        if includingSize, let width, let height { header.setSize(width: width, height: height) }
    }

    /// The value of a single SHORT or LONG entry, which TIFF stores inline in the entry itself.
    private static func inlineValue(_ view: ByteView, entry: Int, littleEndian: Bool) -> UInt32? {
        guard view.uint32(entry + 4, littleEndian: littleEndian) == 1 else { return nil }
        switch view.uint16(entry + 2, littleEndian: littleEndian) {
        case 3: return view.uint16(entry + 8, littleEndian: littleEndian).map(UInt32.init)
        case 4: return view.uint32(entry + 8, littleEndian: littleEndian)
        default: return nil
        }
    }
}

extension ByteView {
    /// A TIFF structure's byte order mark at `offset` (`II` little-endian, `MM` big-endian) and its
    /// magic 42 after it: true for little-endian, nil when there is no TIFF header there.
    func tiffByteOrder(at offset: Int) -> Bool? {
        let littleEndian: Bool
        if matches(offset, "II") {
            littleEndian = true
        } else if matches(offset, "MM") {
            littleEndian = false
        } else {
            return nil
        }
        return uint16(offset + 2, littleEndian: littleEndian) == 42 ? littleEndian : nil
    }
}
