/// The media type of some bytes, judged from their content alone.
public struct SniffedMedia: Sendable, Hashable, Codable {
    /// An IANA media type such as `image/jpeg`; `application/octet-stream` when unrecognised.
    public let mediaType: String
    public let kind: AssetKind

    public init(mediaType: String, kind: AssetKind) {
        self.mediaType = mediaType
        self.kind = kind
    }

    init(mediaType: String) {
        let kind: AssetKind =
            if mediaType.hasPrefix("image/") {
                .image
            } else if mediaType.hasPrefix("video/") {
                .video
            } else if mediaType == "application/json" {
                .json
            } else {
                .other
            }
        self.init(mediaType: mediaType, kind: kind)
    }

    static let unknown = SniffedMedia(mediaType: "application/octet-stream", kind: .other)
}
