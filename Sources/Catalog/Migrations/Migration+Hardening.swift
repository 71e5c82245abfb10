extension Migration {
    /// Repeats inside one request are one item with a count, not one row (and one lineage
    /// event) each; revoked keys are listed by id.
    static let hardening = Migration(
        version: 2, name: "hardening",
        statements: [
            "ALTER TABLE ingest_request_items ADD COLUMN copies int NOT NULL DEFAULT 1 CHECK (copies >= 1)",
            "CREATE INDEX api_keys_owner ON api_keys (owner, created_at)",
        ])
}
