import Foundation
import NIOCore

public enum AssetKind: String, Sendable, Codable, CaseIterable {
    case image, video, json, other
}

/// `stored` once the bytes and the row are committed; `ready` when every stage is done.
public enum AssetStatus: String, Sendable, Codable {
    case stored, processing, ready, failed
    /// Emptied from the trash: the row stays for its history, the content is gone.
    case purged
}

public struct AssetRecord: Sendable, Codable, Equatable {
    public let id: UUID
    public let kind: AssetKind
    public let owner: String
    public let sha256: String
    public let size: Int64
    public let mediaType: String
    public let originalFilename: String?
    public let storageKey: String
    public let status: AssetStatus
    public let createdAt: Date
    public let updatedAt: Date
    public let metadata: JSONValue
    public let comments: String?
    /// The file in the folder view (`media/…`), once placed; the original stays at `storageKey`.
    public let placementKey: String?
    public let clusterID: UUID?
    public let trashedAt: Date?
}

/// What the ingest orchestrator hands over for one item of a request.
public struct NewAsset: Sendable {
    public let kind: AssetKind
    public let sha256: String
    public let size: Int64
    public let mediaType: String
    public let originalFilename: String?
    public let storageKey: String
    public let comments: String?
    public var metadata: JSONValue
    /// A small document's bytes, stored by the ingest's own statement (`storageKey` is then an
    /// `inline/` key); nil for content already in the blob store.
    public let inlineContent: ByteBuffer?
    /// The stage rows it is recorded with; nil for the usual start, its first stage queued.
    public var initialStages: [InitialStage]?

    public init(
        kind: AssetKind, sha256: String, size: Int64, mediaType: String, originalFilename: String?, storageKey: String,
        comments: String?, metadata: JSONValue, inlineContent: ByteBuffer? = nil, initialStages: [InitialStage]? = nil
    ) {
        self.kind = kind
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.originalFilename = originalFilename
        self.storageKey = storageKey
        self.comments = comments
        self.metadata = metadata
        self.inlineContent = inlineContent
        self.initialStages = initialStages
    }
}
