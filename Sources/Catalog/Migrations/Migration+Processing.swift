extension Migration {
    /// The processing platform: stages as a graph with versions and skips, keyed tasks on the
    /// same queue, typed stage outputs, and lineage for subjects other than assets.
    static let processing = Migration(
        version: 3, name: "processing",
        statements: [
            // A job is either one stage of one asset or a keyed task (a pass over many assets,
            // applying a proposal). Both share the claim, the leases, the retries and the dead letter.
            "ALTER TABLE jobs ALTER COLUMN asset_id DROP NOT NULL",
            "ALTER TABLE jobs ADD COLUMN task_key text",
            "ALTER TABLE jobs ADD COLUMN payload jsonb",
            "ALTER TABLE jobs ADD CONSTRAINT jobs_subject CHECK ((asset_id IS NULL) <> (task_key IS NULL))",
            // The stage version whose result the row holds (or will hold, while queued).
            "ALTER TABLE jobs ADD COLUMN version text NOT NULL DEFAULT ''",
            // The foundation's one stage, verify, was at version 1: its results are current.
            "UPDATE jobs SET version = '1' WHERE stage = 'verify'",
            "ALTER TABLE jobs ADD COLUMN skip_reason text",
            "ALTER TABLE jobs DROP CONSTRAINT jobs_state_check",
            """
            ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
                CHECK (state IN ('queued', 'processing', 'done', 'failed', 'dead', 'skipped'))
            """,
            // At most one waiting and one running instance of a key: enqueueing is idempotent, and
            // two workers never run the same task at once.
            "CREATE UNIQUE INDEX jobs_task_queued ON jobs (task_key) WHERE state = 'queued'",
            "CREATE UNIQUE INDEX jobs_task_running ON jobs (task_key) WHERE state = 'processing'",
            // Re-running a stage after a version bump looks for done rows of that stage.
            "CREATE INDEX jobs_stage_version ON jobs (stage, version) WHERE state = 'done'",

            // Lineage of collections, clusters, proposals and tasks: a chain per (type, key), hashed
            // like an asset's chain with `type:key` in place of the asset id. Asset rows are untouched.
            "ALTER TABLE lineage ALTER COLUMN asset_id DROP NOT NULL",
            """
            ALTER TABLE lineage ADD COLUMN subject_type text
                CHECK (subject_type IN ('collection', 'cluster', 'proposal', 'task'))
            """,
            "ALTER TABLE lineage ADD COLUMN subject_key text",
            """
            ALTER TABLE lineage ADD CONSTRAINT lineage_subject
                CHECK ((asset_id IS NULL) = (subject_type IS NOT NULL AND subject_key IS NOT NULL))
            """,
            "CREATE UNIQUE INDEX lineage_subject_seq ON lineage (subject_type, subject_key, seq) WHERE asset_id IS NULL",

            // Typed stage outputs, replaced whole by the completion that produces them.
            """
            CREATE TABLE derived_blobs (
                asset_id uuid NOT NULL REFERENCES assets (id),
                kind text NOT NULL,
                stage text NOT NULL,
                version text NOT NULL,
                storage_key text NOT NULL,
                media_type text NOT NULL,
                size bigint NOT NULL,
                width int,
                height int,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (asset_id, kind)
            )
            """,
            // One row per still (segment 0) or per video segment; a vector index per model is
            // created by the stage that embeds with it (pgvector indexes need a fixed dimension).
            """
            CREATE TABLE embeddings (
                asset_id uuid NOT NULL REFERENCES assets (id),
                model text NOT NULL,
                segment int NOT NULL,
                start_seconds double precision,
                end_seconds double precision,
                vector vector NOT NULL,
                stage text NOT NULL,
                version text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (asset_id, model, segment)
            )
            """,
            """
            CREATE TABLE asset_tags (
                asset_id uuid NOT NULL REFERENCES assets (id),
                source text NOT NULL,
                tag text NOT NULL,
                score real NOT NULL,
                PRIMARY KEY (asset_id, source, tag)
            )
            """,
            "CREATE INDEX asset_tags_tag ON asset_tags (tag, asset_id)",
        ])
}
