/// Reads `MediaHeader`s from the first bytes of a file (the caller passes about 256 KiB).
///
/// The input is hostile: every read is bounds-checked, every size is treated as a claim, and
/// every loop advances, so garbage gives a header with fewer fields, never a crash or a hang.
public enum MediaHeaderReader {
    /// `mediaType` is the sniffed type (`MediaSniffer`), which picks the parser.
    public static func read(_ prefix: [UInt8], mediaType: String) -> MediaHeader {
        let view = ByteView(prefix)
        var header = MediaHeader(format: format(of: mediaType))
        switch mediaType {
        case "image/png": readPNG(view, into: &header)
        case "image/gif": readGIF(view, into: &header)
        case "image/bmp": readBMP(view, into: &header)
        case "image/jpeg": readJPEG(view, into: &header)
        case "image/webp": readWebP(view, into: &header)
        case "image/tiff": readTIFF(view, base: 0, into: &header, includingSize: true)
        case "image/heic", "image/avif", "video/mp4", "video/quicktime": readISOBMFF(view, into: &header)
        case "video/webm", "video/x-matroska": readMatroska(view, into: &header)
        case "video/x-msvideo": readAVI(view, into: &header)
        default: break
        }
        return header
    }

    static func format(of mediaType: String) -> String {
        switch mediaType {
        case "image/jpeg": "jpeg"
        case "image/png": "png"
        case "image/gif": "gif"
        case "image/webp": "webp"
        case "image/tiff": "tiff"
        case "image/bmp": "bmp"
        case "image/heic": "heic"
        case "image/avif": "avif"
        case "video/mp4": "mp4"
        case "video/quicktime": "quicktime"
        case "video/webm": "webm"
        case "video/x-matroska": "matroska"
        case "video/x-msvideo": "avi"
        case "application/json": "json"
        default: "unknown"
        }
    }
}
