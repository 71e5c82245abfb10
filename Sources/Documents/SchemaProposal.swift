import Catalog
import Foundation
import Schema

/// What a schema proposal shows and, once approved, does: stored as the proposal's payload.
public struct SchemaProposal: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A staged collection's storage: a typed table, or JSONB.
        case storage
        /// A change to an approved typed table: new columns, wider types.
        case evolution
    }

    public var kind: Kind
    /// The collection's schema version this applies to.
    public var baseVersion: Int
    public var decision: StorageDecision
    /// The typed table after approval (nil when the proposal is to keep JSONB).
    public var layout: TableLayout?
    public var changes: [SchemaChange]
    /// Exactly what runs on approval, in order.
    public var statements: [String]
    /// Rows of the typed table an evolution writes again (those with the paths in `extra`).
    public var rowsTouched: Int?
    /// Whether a statement rewrites the whole table (a type change does).
    public var rewritesTable: Bool

    public var jsonText: String { String(decoding: try! JSONEncoder.sorted.encode(self), as: UTF8.self) }

    public static func decoded(_ text: String) throws -> SchemaProposal {
        try JSONDecoder().decode(SchemaProposal.self, from: Data(text.utf8))
    }

    public var summary: String {
        switch kind {
        case .storage:
            guard let layout else { return "keep as JSONB: \(decision.reasons.last?.text ?? "")" }
            return "typed table with \(layout.columns.count) column(s): \(decision.reasons.last?.text ?? "")"
        case .evolution:
            return changes.map(\.summary).joined(separator: "; ")
        }
    }
}

extension SchemaChange {
    var summary: String {
        switch self {
        case .addColumn(let column, _): return "add column \(column.name) \(column.type.rawValue)"
        case .widen(let column, let from, let to, _): return "widen \(column) from \(from.rawValue) to \(to.rawValue)"
        }
    }
}

extension JSONEncoder {
    /// Sorted keys: a proposal's payload compares equal when its content does.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
