extension Migration {
    /// The orphan sweeper asks, a page of listed keys at a time, which of them no row names:
    /// each column holding a key of the blob store gets an index for it. Small documents
    /// (`inline/…`, most assets by count) are not in the blob store, so their rows stay out of
    /// the index and the ingest's hot path pays nothing for it.
    static let blobReferences = Migration(
        version: 12, name: "blob_references",
        statements: [
            "CREATE INDEX assets_storage_key ON assets (storage_key) WHERE storage_key NOT LIKE 'inline/%'",
            "CREATE INDEX assets_placement_key ON assets (placement_key) WHERE placement_key IS NOT NULL",
            "CREATE INDEX derived_blobs_storage_key ON derived_blobs (storage_key)",
        ])
}
