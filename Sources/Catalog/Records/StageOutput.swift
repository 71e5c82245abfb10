import Foundation

/// What a stage produced for one asset. The lease-guarded completion writes all of it in the
/// transaction that marks the job done, so a worker that lost its lease commits none of it.
///
/// Each kind of output is replaced whole by the stage that produces it: a new version of the
/// stage (or a retry) overwrites its own earlier result atomically, and readers see the old
/// result until the new one commits.
public struct StageOutput: Sendable {
    /// Merged into the asset's metadata, key by key.
    public var metadata: JSONValue
    /// Recorded on the lineage event of this stage.
    public var detail: JSONValue
    public var derivedBlobs: [DerivedBlob]
    public var vectors: [StageVector]
    /// Tags from this stage; they replace the stage's earlier tags of the asset. nil: the stage
    /// does not tag; empty: it found none (and the earlier ones go).
    public var tags: [StageTag]?
    /// Perceptual hashes (segment 0 for a still, one per video segment); they replace the
    /// asset's earlier hashes.
    public var perceptualHashes: [StagePerceptualHash]

    public init(
        metadata: JSONValue = [:], detail: JSONValue = [:], derivedBlobs: [DerivedBlob] = [],
        vectors: [StageVector] = [], tags: [StageTag]? = nil, perceptualHashes: [StagePerceptualHash] = []
    ) {
        self.metadata = metadata
        self.detail = detail
        self.derivedBlobs = derivedBlobs
        self.vectors = vectors
        self.tags = tags
        self.perceptualHashes = perceptualHashes
    }

    /// Nothing but metadata and detail: recorded by the completion's shared statements alone.
    var isMetadataOnly: Bool { derivedBlobs.isEmpty && vectors.isEmpty && tags == nil && perceptualHashes.isEmpty }
}

/// A blob made from the asset (thumbnail, preview, a video frame), already in the blob store.
public struct DerivedBlob: Sendable, Codable, Equatable {
    /// `thumbnail`, `preview`, `frame-3`…: one per asset and kind.
    public let kind: String
    public let storageKey: String
    public let mediaType: String
    public let size: Int64
    public let width: Int?
    public let height: Int?

    public init(kind: String, storageKey: String, mediaType: String, size: Int64, width: Int?, height: Int?) {
        self.kind = kind
        self.storageKey = storageKey
        self.mediaType = mediaType
        self.size = size
        self.width = width
        self.height = height
    }
}

/// One embedding of the asset by one model: segment 0 for a still, one per video segment.
/// A stage's vectors for a model replace all of that model's vectors of the asset.
public struct StageVector: Sendable, Equatable {
    public let model: String
    public let segment: Int
    public let startSeconds: Double?
    public let endSeconds: Double?
    public let values: [Float]

    public init(
        model: String, segment: Int = 0, startSeconds: Double? = nil, endSeconds: Double? = nil, values: [Float]
    ) {
        self.model = model
        self.segment = segment
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.values = values
    }
}

public struct StageTag: Sendable, Equatable {
    public let tag: String
    public let score: Float

    public init(_ tag: String, score: Float) {
        self.tag = tag
        self.score = score
    }
}

public struct StagePerceptualHash: Sendable, Equatable {
    public let segment: Int
    public let hash: UInt64
    /// A still's decoded-pixel digest: equal digests are the pixel-identical duplicate tier.
    public let pixelDigest: [UInt8]?

    public init(segment: Int, hash: UInt64, pixelDigest: [UInt8]? = nil) {
        self.segment = segment
        self.hash = hash
        self.pixelDigest = pixelDigest
    }
}
