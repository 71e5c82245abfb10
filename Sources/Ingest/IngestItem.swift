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

    public init(owner: String, comments: String?, items: [IngestItem]) {
        self.owner = owner
        self.comments = comments
        self.items = items
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
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
