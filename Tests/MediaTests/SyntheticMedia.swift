/// Small hand-built headers for formats without a fixture file. Each builder writes only the
/// bytes a header reader looks at, laid out as the format's specification says.
enum SyntheticMedia {
    static func gif(width: UInt16, height: UInt16) -> [UInt8] {
        Array("GIF89a".utf8) + le16(width) + le16(height) + [0xF7, 0, 0]
    }

    static func webpLossy(width: UInt16, height: UInt16) -> [UInt8] {
        riff("WEBP", chunk("VP8 ", [0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A] + le16(width) + le16(height) + [0, 0]))
    }

    static func webpLossless(width: UInt32, height: UInt32) -> [UInt8] {
        let bits = (width - 1) | (height - 1) << 14
        return riff("WEBP", chunk("VP8L", [0x2F] + le32(bits) + [0, 0, 0]))
    }

    static func webpExtended(width: UInt32, height: UInt32, orientation: UInt16?) -> [UInt8] {
        var chunks = chunk(
            "VP8X", [0x08, 0, 0, 0] + Array(le32(width - 1).prefix(3)) + Array(le32(height - 1).prefix(3)))
        if let orientation {
            chunks += chunk("EXIF", tiff(littleEndian: true, entries: [(274, 3, UInt32(orientation))]))
        }
        return riff("WEBP", chunks)
    }

    static func bmp(width: Int32, height: Int32) -> [UInt8] {
        Array("BM".utf8) + le32(0) + le32(0) + le32(54) + le32(40) + le32(UInt32(bitPattern: width))
            + le32(UInt32(bitPattern: height)) + [1, 0, 24, 0]
    }

    /// A TIFF header and IFD0 with SHORT/LONG entries `(tag, type, value)`.
    static func tiff(littleEndian: Bool, entries: [(UInt16, UInt16, UInt32)]) -> [UInt8] {
        let u16 = littleEndian ? le16 : be16
        let u32 = littleEndian ? le32 : be32
        var bytes = Array((littleEndian ? "II" : "MM").utf8) + u16(42) + u32(8) + u16(UInt16(entries.count))
        for (tag, type, value) in entries {
            let inline = type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value)
            bytes += u16(tag) + u16(type) + u32(1) + inline
        }
        return bytes + u32(0)
    }

    /// A JPEG with an Exif APP1, a large ICC-like APP2 to skip, then a baseline SOF0.
    static func jpeg(width: UInt16, height: UInt16, exif: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += segment(0xE1, Array("Exif\u{0}\u{0}".utf8) + exif)
        bytes += segment(0xE2, [UInt8](repeating: 0xFF, count: 60_000))
        bytes += segment(0xC0, [8] + be16(height) + be16(width) + [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
        return bytes + [0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]
    }

    static func isoFile(major: String, compatible: [String], boxes: [UInt8] = []) -> [UInt8] {
        box("ftyp", Array(major.utf8) + be32(0) + compatible.flatMap { Array($0.utf8) }) + boxes
    }

    /// `meta` with `ispe` properties, as HEIF and AVIF store their image sizes.
    static func heifMeta(sizes: [(UInt32, UInt32)]) -> [UInt8] {
        let properties = sizes.flatMap { box("ispe", be32(0) + be32($0.0) + be32($0.1)) }
        return box(
            "meta", be32(0) + box("hdlr", be32(0) + be32(0) + Array("pict".utf8)) + box("iprp", box("ipco", properties))
        )
    }

    /// `moov` with a version-1 `mvhd` and one video `tkhd`.
    static func movie(timescale: UInt32, duration: UInt64, width: UInt32, height: UInt32) -> [UInt8] {
        let mvhd = box("mvhd", [1, 0, 0, 0] + be64(0) + be64(0) + be32(timescale) + be64(duration) + zeros(80))
        let tkhd = box("tkhd", [0, 0, 0, 3] + zeros(72) + be32(width << 16) + be32(height << 16))
        return box("moov", mvhd + box("trak", tkhd))
    }

    static func avi(width: UInt32, height: UInt32, microsecondsPerFrame: UInt32, frames: UInt32) -> [UInt8] {
        let avih =
            le32(microsecondsPerFrame) + le32(0) + le32(0) + le32(0) + le32(frames) + le32(0) + le32(1)
            + le32(0) + le32(width) + le32(height) + zeros(16)
        return riff("AVI ", chunk("LIST", Array("hdrl".utf8) + chunk("avih", avih)))
    }

    /// An EBML header with the given DocType and nothing else.
    static func ebml(docType: String) -> [UInt8] {
        let docTypeElement = [0x42, 0x82, 0x80 | UInt8(docType.utf8.count)] + Array(docType.utf8)
        return [0x1A, 0x45, 0xDF, 0xA3, 0x80 | UInt8(docTypeElement.count)] + docTypeElement
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func be16(_ value: UInt16) -> [UInt8] { le16(value).reversed() }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    static func be32(_ value: UInt32) -> [UInt8] { le32(value).reversed() }
    static func be64(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
    static func zeros(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }

    private static func riff(_ form: String, _ body: [UInt8]) -> [UInt8] {
        Array("RIFF".utf8) + le32(UInt32(4 + body.count)) + Array(form.utf8) + body
    }

    private static func chunk(_ fourCC: String, _ data: [UInt8]) -> [UInt8] {
        Array(fourCC.utf8) + le32(UInt32(data.count)) + data + (data.count % 2 == 1 ? [0] : [])
    }

    private static func segment(_ marker: UInt8, _ data: [UInt8]) -> [UInt8] {
        [0xFF, marker] + be16(UInt16(data.count + 2)) + data
    }

    private static func box(_ type: String, _ data: [UInt8]) -> [UInt8] {
        be32(UInt32(8 + data.count)) + Array(type.utf8) + data
    }
}
