import Catalog
import Schema

/// How JSON documents are grouped and their collections decided; read once from the
/// configuration (`SCHEMA_*`, `COLLECTION_*`).
public struct DocumentSettings: Sendable {
    public var thresholds = StorageThresholds()
    /// A document joins the owner's best-matching collection when it scores at least this
    /// (`FamilyMatcher`); otherwise it starts a provisional one.
    public var matchThreshold = 0.5
    /// The contract of a new collection.
    public var defaultContract = SchemaContract.review
    /// How long after a batch its collection is reviewed (a burst is reviewed once).
    public var reviewDelay: Duration = .seconds(1)
    /// Documents deeper than this are refused (the parser is iterative; this bounds the work).
    public var maximumDepth = 512

    public init() {}
}
