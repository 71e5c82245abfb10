extension MediaHeaderReader {
    /// Walks the JPEG marker segments up to the start of scan: the size is in the SOFn frame
    /// header, the orientation in an APP1 Exif segment. APPn segments (Exif, ICC profiles, XMP)
    /// can be tens of kilobytes, so they are skipped by their length, never scanned.
    static func readJPEG(_ view: ByteView, into header: inout MediaHeader) {
        var offset = 2
        while offset < view.count {
            guard view.uint8(offset) == 0xFF, let marker = view.uint8(offset + 1) else { return }
            switch marker {
            case 0xFF:
                offset += 1  // fill byte before a marker
                continue
            case 0x01, 0xD0...0xD8:
                offset += 2  // standalone markers carry no length
                continue
            case 0xD9, 0xDA:
                return  // end of image, or entropy-coded data follows
            default:
                break
            }
            guard let length = view.uint16(offset + 2), length >= 2 else { return }
            let segment = offset + 4
            if isStartOfFrame(marker), let height = view.uint16(segment + 1), let width = view.uint16(segment + 3) {
                header.setSize(width: width, height: height)
            }
            if marker == 0xE1, header.orientation == nil, view.matches(segment, "Exif\u{0}\u{0}") {
                readTIFF(view, base: segment + 6, into: &header, includingSize: false)
            }
            offset += 2 + Int(length)
        }
    }

    /// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }
}
