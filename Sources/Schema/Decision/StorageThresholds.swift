/// The numbers behind every storage decision; each is configurable (`SCHEMA_*`).
public struct StorageThresholds: Sendable, Equatable, Codable {
    /// A path becomes a column when it is present in at least this share of documents…
    public var promotePresence = 0.5
    /// …and its dominant type covers at least this share of its non-null values.
    public var dominantType = 0.95
    /// A column is only demoted when its presence falls below this (no flapping).
    public var demotePresence = 0.3
    /// The collection is stored as JSONB when more than this share of its leaf values are in
    /// sparse paths (those present in fewer than `promotePresence` of documents).
    public var sparseLeafShare = 0.5
    /// Nested objects flatten to `parent__child` columns down to this depth (top level is 1).
    public var flattenDepth = 2
    /// An object path is a map when it has at least this many distinct keys…
    public var mapMinimumKeys = 50
    /// …and its average key appears in at most this share of the objects at that path, or
    /// when at least `mapDataLikeKeys` of its keys look like data.
    public var mapKeyPresence = 0.1
    public var mapDataLikeKeys = 0.8
    /// JSONB paths present in at least this share of documents get an expression index.
    public var indexPresence = 0.5

    public init() {}
}
