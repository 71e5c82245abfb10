import Foundation
import Schema

/// Where a collection's documents are kept.
public enum CollectionStorage: String, Sendable, Codable {
    /// Not decided yet: a JSONB table, queryable, until an admin approves a proposal.
    case staging
    /// An approved typed table: columns, `extra` and `cast_notes`.
    case typed
    /// Kept as JSONB by decision (a rejected proposal, or statistics that say so).
    case jsonb
}

/// What happens to a document that does not fit an approved layout (dlt's schema contracts).
public enum SchemaContract: String, Sendable, Codable, CaseIterable {
    /// Proposals: new keys wait in `extra` until an admin approves a column.
    case review
    /// Additive changes (new columns) apply by themselves; widenings are still proposed.
    case evolve
    /// A document that does not conform is refused with 422 and the list of its violations.
    case freeze
}

public struct CollectionRecord: Sendable, Equatable {
    public let id: UUID
    public let owner: String
    public let name: String
    /// The sanitised base of its tables' names in schema `docs`.
    public let tableName: String
    public let storage: CollectionStorage
    public let contract: SchemaContract
    /// Named by nobody: created for documents that matched no collection.
    public let provisional: Bool
    public let schemaVersion: Int
    /// The typed table's columns once approved.
    public let layout: TableLayout?
    /// Each top-level key's share of documents.
    public let signature: [String: Double]
    public let createdAt: Date

    /// The JSONB table: the staging form, and the JSONB form.
    public var jsonbTable: String { Self.jsonbTable(tableName) }
    public static func jsonbTable(_ base: String) -> String { base + "__jsonb" }
}
