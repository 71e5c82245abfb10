import Catalog

/// The kinds the visual stages (media, embedding, tags, organisation) are for. Every other kind
/// skips them in the graph itself, with one reason.
enum VisualKinds {
    static let kinds: Set<AssetKind> = [.image, .video]
    static let otherKindsReason = "not an image or a video"
}
