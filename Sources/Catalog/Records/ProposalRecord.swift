import Foundation

public enum ProposalKind: String, Sendable, Codable, CaseIterable {
    /// A collection's storage (typed table or JSONB) or a change to its typed table.
    case schema
    /// A group of duplicate media: approving keeps one and moves the rest to the trash.
    case duplicate
    /// A new cluster of similar media: approving creates its folder and moves them there.
    case cluster
    /// Unsorted media that fit an approved cluster.
    case assignment

    public var isMedia: Bool { self != .schema }
}

public enum ProposalState: String, Sendable, Codable, CaseIterable {
    case open, approved, rejected
    /// Replaced by a newer proposal for the same collection before anyone decided.
    case superseded
}

/// A structural change waiting for an admin, with everything shown to decide on it.
public struct ProposalRecord: Sendable {
    public let id: UUID
    public let kind: ProposalKind
    public let owner: String
    public let collectionID: UUID?
    /// The cluster an assignment proposal is for.
    public let clusterID: UUID?
    public let state: ProposalState
    public let summary: String
    /// The change itself (JSON text): for a schema proposal, `SchemaProposal`.
    public let payload: String
    /// What applying it did (JSON text), once decided.
    public let result: String?
    public let createdAt: Date
    public let decidedAt: Date?
    public let decidedBy: String?
}

/// A collection's document as it was sent, for re-encoding (a back-fill).
public struct SourceDocument: Sendable {
    public let assetID: UUID
    public let storageKey: String
    /// The bytes when kept in the catalog; nil when they are in the blob store under `storageKey`.
    public let inlineContent: [UInt8]?
}
