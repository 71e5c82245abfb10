import Foundation
import Organise

/// A group of duplicates, as an admin reviews it: the tier, every pair's evidence, and the copy
/// to keep with the reason.
public struct DuplicateProposal: Sendable, Codable, Equatable {
    public struct Pair: Sendable, Codable, Equatable {
        public let a: UUID
        public let b: UUID
        public let evidence: DuplicateEvidence

        public init(a: UUID, b: UUID, evidence: DuplicateEvidence) {
            self.a = a
            self.b = b
            self.evidence = evidence
        }

        enum CodingKeys: String, CodingKey { case a, b, evidence }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id: a, forKey: .a)
            try container.encode(id: b, forKey: .b)
            try container.encode(evidence, forKey: .evidence)
        }
    }

    public let tier: DuplicateTier
    /// Sorted by id.
    public let members: [UUID]
    public let keeper: UUID
    public let keeperReason: String
    public let pairs: [Pair]

    public init(tier: DuplicateTier, members: [UUID], keeper: UUID, keeperReason: String, pairs: [Pair]) {
        self.tier = tier
        self.members = members
        self.keeper = keeper
        self.keeperReason = keeperReason
        self.pairs = pairs
    }

    enum CodingKeys: String, CodingKey {
        case tier, members, keeper, pairs
        case keeperReason = "keeper_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tier, forKey: .tier)
        try container.encode(ids: members, forKey: .members)
        try container.encode(id: keeper, forKey: .keeper)
        try container.encode(keeperReason, forKey: .keeperReason)
        try container.encode(pairs, forKey: .pairs)
    }
}

/// A new cluster found in the unsorted pool.
public struct ClusterProposal: Sendable, Codable, Equatable {
    public let name: String
    /// Sorted by id.
    public let members: [UUID]
    public let exemplars: [UUID]
    /// Mean cosine similarity of the members to their centroid.
    public let cohesion: Double
    /// The members' most common tags, most common first.
    public let tags: [String]

    public init(name: String, members: [UUID], exemplars: [UUID], cohesion: Double, tags: [String]) {
        self.name = name
        self.members = members
        self.exemplars = exemplars
        self.cohesion = cohesion
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case name, members, exemplars, cohesion, tags }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(ids: members, forKey: .members)
        try container.encode(ids: exemplars, forKey: .exemplars)
        try container.encode(cohesion, forKey: .cohesion)
        try container.encode(tags, forKey: .tags)
    }
}

/// Unsorted media that fit an approved cluster.
public struct AssignmentProposal: Sendable, Codable, Equatable {
    public struct Member: Sendable, Codable, Equatable {
        public let id: UUID
        /// Cosine similarity to the cluster's centroid.
        public let similarity: Double

        public init(id: UUID, similarity: Double) {
            self.id = id
            self.similarity = similarity
        }

        enum CodingKeys: String, CodingKey { case id, similarity }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id: id, forKey: .id)
            try container.encode(similarity, forKey: .similarity)
        }
    }

    public let cluster: UUID
    public let clusterName: String
    /// Sorted by id.
    public let members: [Member]

    public init(cluster: UUID, clusterName: String, members: [Member]) {
        self.cluster = cluster
        self.clusterName = clusterName
        self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case cluster, members
        case clusterName = "cluster_name"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id: cluster, forKey: .cluster)
        try container.encode(clusterName, forKey: .clusterName)
        try container.encode(members, forKey: .members)
    }
}

/// Ids as the API writes them everywhere: lowercase (Foundation encodes a `UUID` in uppercase).
extension KeyedEncodingContainer {
    mutating func encode(id: UUID, forKey key: Key) throws {
        try encode(id.uuidString.lowercased(), forKey: key)
    }

    mutating func encode(ids: [UUID], forKey key: Key) throws {
        try encode(ids.map { $0.uuidString.lowercased() }, forKey: key)
    }
}

/// A media proposal a pass wants open, identified by what it proposes.
public struct NewMediaProposal: Sendable {
    public let kind: ProposalKind
    /// Stable for the same proposal: the kind, the cluster and the sorted members, hashed.
    public let digest: String
    public let summary: String
    public let payload: String
    public let clusterID: UUID?

    public init(kind: ProposalKind, digest: String, summary: String, payload: String, clusterID: UUID?) {
        self.kind = kind
        self.digest = digest
        self.summary = summary
        self.payload = payload
        self.clusterID = clusterID
    }
}
