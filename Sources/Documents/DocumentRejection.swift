import Schema

/// Why the JSON documents of a request cannot be accepted; nothing of the request is kept.
public enum DocumentRejection: Error, CustomStringConvertible, Sendable {
    /// A document JSON allows but the service cannot keep without loss (a duplicate key).
    case invalid(document: Int, reason: String)
    /// Documents that break a `freeze` contract, each with its violations.
    case contract(collection: String, violations: [(document: Int, violations: [ContractViolation])])
    /// A collection name that cannot be used.
    case invalidCollectionName(String)
    /// A document over `DocumentSettings.maximumDocumentBytes`.
    case tooLarge(document: Int, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalid(let document, let reason): return "document \(document + 1): \(reason)"
        case .contract(let collection, let violations):
            let count = violations.reduce(0) { $0 + $1.violations.count }
            return
                "\(violations.count) document(s) do not conform to the frozen schema of collection '\(collection)' (\(count) violation(s))"
        case .invalidCollectionName(let reason): return reason
        case .tooLarge(let document, let bytes, let limit):
            return
                "document \(document + 1) is \(bytes) bytes; a document placed in a collection may have at most \(limit) (SCHEMA_MAX_DOCUMENT_BYTES): send its parts as separate documents"
        }
    }
}
