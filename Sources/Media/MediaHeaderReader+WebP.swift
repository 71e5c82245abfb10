extension MediaHeaderReader {
    /// WebP is a RIFF file whose first chunk says which of three layouts follows: lossy (VP8),
    /// lossless (VP8L) or extended (VP8X, which may carry an EXIF chunk with the orientation).
    static func readWebP(_ view: ByteView, into header: inout MediaHeader) {
        guard let fourCC = view.ascii(12, length: 4) else { return }
        let data = 20
        switch fourCC {
        case "VP8 ":
            // A key frame starts with a 3-byte frame tag and the start code 9D 01 2A.
            guard view.matches(data + 3, [0x9D, 0x01, 0x2A]), let width = view.uint16(data + 6, littleEndian: true),
                let height = view.uint16(data + 8, littleEndian: true)
            else { return }
            header.setSize(width: width & 0x3FFF, height: height & 0x3FFF)
        case "VP8L":
            guard view.uint8(data) == 0x2F, let bits = view.uint32(data + 1, littleEndian: true) else { return }
            header.setSize(width: (bits & 0x3FFF) + 1, height: (bits >> 14 & 0x3FFF) + 1)
        case "VP8X":
            guard let width = view.uint24(data + 4, littleEndian: true),
                let height = view.uint24(data + 7, littleEndian: true)
            else { return }
            header.setSize(width: width + 1, height: height + 1)
            readWebPExif(view, into: &header)
        default:
            return
        }
    }

    /// Finds the EXIF chunk by walking the RIFF chunks (each padded to an even size).
    private static func readWebPExif(_ view: ByteView, into header: inout MediaHeader) {
        var offset = 12
        while let fourCC = view.ascii(offset, length: 4), let size = view.uint32(offset + 4, littleEndian: true) {
            let data = offset + 8
            if fourCC == "EXIF" {
                // Some encoders keep the JPEG-style "Exif\0\0" prefix, most do not.
                let base = view.matches(data, "Exif\u{0}\u{0}") ? data + 6 : data
                readTIFF(view, base: base, into: &header, includingSize: false)
                return
            }
            guard let next = data.advanced(by: UInt64(size) + UInt64(size & 1), within: view.count) else { return }
            offset = next
        }
    }
}
