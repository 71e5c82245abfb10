import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// The headers of an object's bytes. The media type is the one sniffed at ingest, and
/// `nosniff` keeps a browser from guessing another (a JSON document is never run as HTML);
/// the client's filename appears only in `Content-Disposition`, reduced to safe characters.
enum ContentHeaders {
    static func `for`(_ asset: AssetRecord) -> HTTPFields {
        [
            .contentType: asset.mediaType, .acceptRanges: "bytes", .eTag: "\"\(asset.sha256)\"",
            // An object's bytes never change: its id names these bytes for good.
            .cacheControl: "private, max-age=31536000, immutable",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentDisposition: disposition(filename: asset.originalFilename),
        ]
    }

    /// `inline; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266): quotes,
    /// backslashes, controls and path separators never reach the header.
    static func disposition(filename: String?) -> String {
        guard let filename, !filename.isEmpty else { return "inline" }
        let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "download"
        let ascii = String(
            base.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F
                    && !"\"\\;%".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            }.prefix(100))
        var allowed = CharacterSet.alphanumerics.intersection(
            .init(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        let encoded = String(base.prefix(100)).addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "inline; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
