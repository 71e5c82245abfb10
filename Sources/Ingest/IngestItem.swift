import NIOCore
import Storage

/// One thing a client sent: an uploaded file (already streamed to a staging file) or one JSON
/// document (small, in memory).
public enum IngestItem: Sendable {
    case file(StagedBlob, partName: String, filename: String?)
    case document(ByteBuffer, partName: String)

    public var partName: String {
        switch self {
        case .file(_, let name, _), .document(_, let name): return name
        }
    }
}

public struct IngestBatch: Sendable {
    public let owner: String
    public let comments: String?
    public let items: [IngestItem]
    /// The JSON collection the client named for the request's documents, if any.
    public let collection: String?
    /// The name of the file the documents came from, if any: it names a new collection.
    public let documentSource: String?

    public init(
        owner: String, comments: String?, items: [IngestItem], collection: String? = nil, documentSource: String? = nil
    ) {
        self.owner = owner
        self.comments = comments
        self.items = items
        self.collection = collection
        self.documentSource = documentSource
    }
}

/// Why a request cannot be accepted; nothing of it is stored.
public struct IngestRejection: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case emptyPart = "empty_part"
        case unsupportedMediaType = "unsupported_media_type"
        case invalidJSON = "invalid_json"
        case noItems = "no_items"
        case invalidField = "invalid_field"
        /// Documents that break a collection's frozen schema (422).
        case schemaViolation = "schema_violation"
        /// A document too large to place in a collection (413).
        case documentTooLarge = "document_too_large"
    }

    public struct Violation: Sendable {
        public let document: Int
        public let path: [String]
        public let message: String
    }

    public let code: Code
    public let message: String
    public let violations: [Violation]

    public init(_ code: Code, _ message: String, violations: [Violation] = []) {
        self.code = code
        self.message = message
        self.violations = violations
    }

    public var description: String { message }
}
