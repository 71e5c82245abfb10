extension Migration {
    /// Media understanding: perceptual hashes with an index for Hamming look-ups, and what the
    /// per-dimension vector indexes need.
    static let media = Migration(
        version: 5, name: "media",
        statements: [
            // Multi-index hashing: the 64-bit hash in four 16-bit bands, each indexed. Two hashes
            // within Hamming distance 3 agree exactly on at least one band, so a look-up reads four
            // index ranges and checks the full distance on those rows only, never every hash.
            """
            CREATE TABLE perceptual_hashes (
                asset_id uuid NOT NULL REFERENCES assets (id),
                segment int NOT NULL,
                hash bigint NOT NULL,
                band0 int GENERATED ALWAYS AS (((hash >> 48) & 65535)::int) STORED,
                band1 int GENERATED ALWAYS AS (((hash >> 32) & 65535)::int) STORED,
                band2 int GENERATED ALWAYS AS (((hash >> 16) & 65535)::int) STORED,
                band3 int GENERATED ALWAYS AS ((hash & 65535)::int) STORED,
                stage text NOT NULL,
                version text NOT NULL,
                PRIMARY KEY (asset_id, segment)
            )
            """,
            "CREATE INDEX perceptual_hashes_band0 ON perceptual_hashes (band0)",
            "CREATE INDEX perceptual_hashes_band1 ON perceptual_hashes (band1)",
            "CREATE INDEX perceptual_hashes_band2 ON perceptual_hashes (band2)",
            "CREATE INDEX perceptual_hashes_band3 ON perceptual_hashes (band3)",
            // An HNSW index needs one dimension: each is a partial index over the rows of that
            // dimension, created when a model of that size first stores vectors.
            "ALTER TABLE embeddings ADD COLUMN dimensions int GENERATED ALWAYS AS (vector_dims(vector)) STORED",
        ])
}
