/// Decides what bytes are from their magic numbers. The file name is deliberately not an input:
/// clients lie about names and extensions, and a wrong type would send bytes to the wrong decoder.
public enum MediaSniffer {
    /// How many leading bytes are examined; enough for every signature recognised here.
    static let sniffLength = 4096

    public static func sniff(_ prefix: some Collection<UInt8>) -> SniffedMedia {
        let view = ByteView(Array(prefix.prefix(sniffLength)))
        return mediaType(of: view).map(SniffedMedia.init(mediaType:)) ?? .unknown
    }

    private static func mediaType(of view: ByteView) -> String? {
        if view.matches(0, [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if view.matches(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if view.matches(0, "GIF87a") || view.matches(0, "GIF89a") { return "image/gif" }
        if view.matches(0, "RIFF") && view.matches(8, "WEBP") { return "image/webp" }
        if view.matches(0, "RIFF") && view.matches(8, "AVI ") { return "video/x-msvideo" }
        if view.matches(0, "II*\u{0}") || view.matches(0, "MM\u{0}*") { return "image/tiff" }
        if isBMP(view) { return "image/bmp" }
        if view.matches(4, "ftyp") { return isoMediaType(view) }
        // QuickTime files older than the ftyp box start directly with one of these atoms.
        if ["moov", "mdat", "wide", "pnot"].contains(where: { view.matches(4, $0) }) { return "video/quicktime" }
        if view.matches(0, [0x1A, 0x45, 0xDF, 0xA3]) { return matroskaMediaType(view) }
        if looksLikeJSON(view) { return "application/json" }
        return nil
    }

    /// "BM" alone is too common a start for text, so the DIB header size must be a known one.
    private static func isBMP(_ view: ByteView) -> Bool {
        guard view.matches(0, "BM"), let dibSize = view.uint32(14, littleEndian: true) else { return false }
        return [12, 16, 40, 52, 56, 64, 108, 124].contains(dibSize)
    }

    private static func matroskaMediaType(_ view: ByteView) -> String {
        guard let header = view.ebmlElement(at: 0, limit: view.count) else { return "video/x-matroska" }
        let docType = view.ebmlElements(from: header.dataStart, to: header.dataEnd)
            .first { $0.id == 0x4282 }
            .flatMap(view.ebmlString)
        // Matroska's default DocType is "matroska" when the element is absent.
        return docType == "webm" ? "video/webm" : "video/x-matroska"
    }

    /// Only the start is checked: a full parse belongs to the JSON processor, and a prefix of a
    /// large document cannot be validated anyway.
    private static func looksLikeJSON(_ view: ByteView) -> Bool {
        var offset = view.matches(0, [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while let byte = view.uint8(offset), [0x20, 0x09, 0x0A, 0x0D].contains(byte) { offset += 1 }
        return view.uint8(offset) == UInt8(ascii: "{") || view.uint8(offset) == UInt8(ascii: "[")
    }
}
