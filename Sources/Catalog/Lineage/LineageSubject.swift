import Foundation

/// Whose history an event belongs to. Assets have the longest chains; collections, clusters,
/// proposals and tasks have chains of their own, so every structural decision has a history too.
public enum LineageSubject: Sendable, Hashable, CustomStringConvertible {
    case asset(UUID)
    case other(SubjectType, key: String)

    public enum SubjectType: String, Sendable, Codable, CaseIterable {
        case collection, cluster, proposal, task
    }

    /// What the hash covers in place of an asset id, and how a report names the chain.
    public var description: String {
        switch self {
        case .asset(let id): return id.uuidString.lowercased()
        case .other(let type, let key): return "\(type.rawValue):\(key)"
        }
    }

    /// Names the transaction-scoped advisory lock (`hashtextextended(name, 0)`) that serialises
    /// appends to one chain.
    var lockName: String { "lineage:" + description }
}
