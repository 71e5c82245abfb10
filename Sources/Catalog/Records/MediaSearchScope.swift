import Foundation

/// Which media a search may return: the filters of `GET /api/v1/search`, applied inside the
/// vector scan and the text look-ups alike, so that `limit` results come back whenever that
/// many media match.
public struct MediaSearchScope: Sendable, Hashable {
    /// Nil searches every owner's media (admins only; the API decides).
    public var owner: String?
    /// `image` or `video`; nil for both.
    public var kind: AssetKind?
    public var cluster: UUID?
    public var tag: String?
    /// The camera's local time, `YYYY-MM-DDTHH:MM:SS` or a prefix of it (`2019`, `2019-07-14`).
    public var takenAfter: String?
    public var takenBefore: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// The medium a `similar_to` search starts from: not a result of its own search.
    public var excluding: UUID?

    public init(
        owner: String? = nil, kind: AssetKind? = nil, cluster: UUID? = nil, tag: String? = nil,
        takenAfter: String? = nil, takenBefore: String? = nil, createdAfter: Date? = nil, createdBefore: Date? = nil,
        excluding: UUID? = nil
    ) {
        self.owner = owner
        self.kind = kind
        self.cluster = cluster
        self.tag = tag
        self.takenAfter = takenAfter
        self.takenBefore = takenBefore
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.excluding = excluding
    }

    /// Whether anything narrows the owner's media: then an exact scan may be cheaper than the index.
    public var isFiltered: Bool {
        kind != nil || cluster != nil || tag != nil || takenAfter != nil || takenBefore != nil
            || createdAfter != nil || createdBefore != nil
    }
}

/// One stored vector close to the query: a still (segment 0), a video's pooled vector (segment
/// 0) or one of its moments (segment 1…).
public struct VectorMatch: Sendable, Equatable {
    public let assetID: UUID
    public let segment: Int
    public let startSeconds: Double?
    public let endSeconds: Double?
    /// Cosine similarity at full precision (the index orders by its half-precision copy).
    public let similarity: Double

    public init(assetID: UUID, segment: Int, startSeconds: Double?, endSeconds: Double?, similarity: Double) {
        self.assetID = assetID
        self.segment = segment
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.similarity = similarity
    }
}

/// How the vector candidates were found, for the response's `timing` and the benchmark.
public enum VectorScan: String, Sendable {
    /// The HNSW index with pgvector's iterative scan (filters applied as it reads).
    case index
    /// Every matching vector compared: cheaper, and exact, when the filters leave few.
    case exact
}
