import Catalog
import Jobs
import Storage

/// The JSON side of the service, built once per process: placing documents at ingest, the
/// review task, and proposal decisions.
public struct DocumentServices: Sendable {
    public let ingest: DocumentIngest
    public let approvals: ProposalApprovals
    public let review: SchemaReviewTask

    public init(catalog: CatalogDatabase, compute: ComputePool, store: any BlobStore, settings: DocumentSettings) {
        ingest = DocumentIngest(catalog: catalog, compute: compute, settings: settings)
        approvals = ProposalApprovals(catalog: catalog, compute: compute, store: store, settings: settings)
        review = SchemaReviewTask(catalog: catalog, compute: compute, settings: settings, approvals: approvals)
    }
}
