import Foundation

/// Where media live in the folder view of the store. Names are made here from ids, slugs and the
/// sniffed media type, never from what a client sent.
public enum FolderLayout {
    public static func unsorted(_ assetID: UUID, mediaType: String) -> String {
        "media/unsorted/\(name(assetID, mediaType))"
    }

    public static func cluster(_ slug: String, _ assetID: UUID, mediaType: String) -> String {
        "media/clusters/\(slug)/\(name(assetID, mediaType))"
    }

    public static func trash(_ assetID: UUID, mediaType: String) -> String {
        "media/trash/\(name(assetID, mediaType))"
    }

    static func name(_ assetID: UUID, _ mediaType: String) -> String {
        "\(assetID.uuidString.lowercased()).\(fileExtension(mediaType))"
    }

    /// The usual extension of a sniffed media type, so that a file manager opens the file.
    public static func fileExtension(_ mediaType: String) -> String {
        switch mediaType {
        case "image/jpeg": return "jpg"
        case "image/png": return "png"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "image/tiff": return "tif"
        case "image/heic", "image/heif": return "heic"
        case "image/avif": return "avif"
        case "image/bmp": return "bmp"
        case "video/mp4": return "mp4"
        case "video/quicktime": return "mov"
        case "video/webm": return "webm"
        case "video/x-matroska": return "mkv"
        case "video/x-msvideo": return "avi"
        default: return "bin"
        }
    }
}
