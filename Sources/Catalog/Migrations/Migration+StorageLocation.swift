extension Migration {
    /// Where the blobs live, as the catalog knows it: a process configured for another store would
    /// find none of them, so it refuses to start instead (after `afa migrate-storage`, say).
    static let storageLocation = Migration(
        version: 13, name: "storage_location",
        statements: [
            """
            CREATE TABLE storage_location (
                only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                location text NOT NULL,
                changed_at timestamptz NOT NULL DEFAULT now()
            )
            """
        ])
}
