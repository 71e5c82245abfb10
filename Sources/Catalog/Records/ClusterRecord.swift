import Foundation

public enum ClusterState: String, Sendable, Codable {
    case active
    /// Its members moved into `mergedInto`; kept for its history.
    case merged
}

/// A folder of similar media that an admin approved.
public struct ClusterRecord: Sendable, Equatable {
    public let id: UUID
    public let owner: String
    public let name: String
    public let slug: String
    public let state: ClusterState
    public let mergedInto: UUID?
    public let cohesion: Double?
    public let exemplars: [UUID]
    public let memberCount: Int
    public let createdAt: Date
    public let updatedAt: Date
}

/// An approved cluster as the organise pass sees it.
public struct ClusterCentre: Sendable {
    public let id: UUID
    public let name: String
    public let centroid: [Float]
    /// Media an admin took out of it.
    public let excluded: Set<UUID>
}
