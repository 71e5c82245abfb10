/// What the catalog treats an asset as. The raw values are stored in the `assets.kind` column,
/// so they must never change.
public enum AssetKind: String, Sendable, Codable, CaseIterable {
    case image
    case video
    case json
    case other
}
