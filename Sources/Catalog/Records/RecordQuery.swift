import Foundation

/// A page of a collection's records: filters on paths, one sort path, keyset pagination. It
/// means the same whether the collection is typed or JSONB.
public struct RecordQuery: Sendable {
    public enum Operator: String, Sendable, CaseIterable {
        /// Equal (JSON equality: `1` equals `1.0`; a string never equals a number).
        case eq
        /// Present, not null, and not equal.
        case ne
        /// Less / greater than, between values of the same JSON type (numbers, strings).
        case lt, gt
        /// A string that contains the operand, or an array that has it as an element.
        case contains
        /// Present and not null (the operand is ignored).
        case exists
    }

    public struct Filter: Sendable {
        public let path: [String]
        public let op: Operator
        /// The operand as JSON text (`5`, `"red"`, `true`).
        public let operand: String
        /// The operand's JSON type: `number`, `string`, `boolean`, `null`, `array`, `object`.
        public let operandType: String
        /// A scalar operand as SQL would read it: a number's text, a string without its quotes,
        /// `true`/`false`; nil for null, arrays and objects.
        public let scalar: String?

        public init(path: [String], op: Operator, operand: String, operandType: String, scalar: String?) {
            self.path = path
            self.op = op
            self.operand = operand
            self.operandType = operandType
            self.scalar = scalar
        }
    }

    public struct Sort: Sendable {
        public let path: [String]
        public let descending: Bool

        public init(path: [String], descending: Bool) {
            self.path = path
            self.descending = descending
        }
    }

    /// Where the previous page ended: its last sort value (as text) and asset id.
    public struct Cursor: Sendable, Equatable {
        public let value: String?
        public let assetID: UUID

        public init(value: String?, assetID: UUID) {
            self.value = value
            self.assetID = assetID
        }
    }

    public var filters: [Filter] = []
    public var sort: Sort?
    public var after: Cursor?
    public var limit = 50

    public init() {}
}

/// One record: the document as it was sent, with its system id.
public struct CollectionRecordRow: Sendable {
    public let assetID: UUID
    public let storageKey: String
    /// The document's bytes when kept in the catalog (nil: read `storageKey` from the store).
    public let inlineContent: [UInt8]?
    /// The cursor that continues after this row.
    public let cursor: RecordQuery.Cursor
}
