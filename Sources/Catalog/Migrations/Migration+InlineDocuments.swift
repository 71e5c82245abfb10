extension Migration {
    /// Small JSON documents live in the catalog, written by the ingest's own statement: one
    /// durable commit per document instead of a file, two file-system flushes and a rename.
    static let inlineDocuments = Migration(
        version: 4, name: "inline_documents",
        statements: [
            // Content-addressed like `raw/` blobs: the same bytes are kept once, whoever sent them.
            """
            CREATE TABLE inline_blobs (
                sha256 bytea PRIMARY KEY CHECK (length(sha256) = 32),
                content bytea NOT NULL
            )
            """
        ])
}
