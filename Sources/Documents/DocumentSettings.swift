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
    /// How long a read of an owner's collections places later documents (`CollectionSnapshots`):
    /// what another process changes is seen within this, or at the write if it matters there.
    public var snapshotLifetime: Duration = .seconds(1)
    /// Documents deeper than this are refused (the parser is iterative; this bounds the work).
    public var maximumDepth = 512
    /// A larger document is refused (`SCHEMA_MAX_DOCUMENT_BYTES`): placing one means holding
    /// its tree in memory, about 30 bytes per value on top of its text, and a row that size
    /// serves nobody as a record. Bulk data belongs in many documents.
    public var maximumDocumentBytes = 8 << 20

    public init() {}
}
