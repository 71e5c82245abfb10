extension Migration {
    /// Assets, the ingest requests that brought them, the job queue, the lineage log and API keys.
    static let coreSchema = Migration(
        version: 1, name: "core",
        statements: [
            "CREATE EXTENSION IF NOT EXISTS vector",
            """
            CREATE TABLE api_keys (
                id uuid PRIMARY KEY,
                key_hash bytea NOT NULL UNIQUE,
                role text NOT NULL CHECK (role IN ('admin', 'user')),
                owner text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz
            )
            """,
            """
            CREATE TABLE assets (
                id uuid PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('image', 'video', 'json', 'other')),
                owner text NOT NULL,
                sha256 bytea NOT NULL,
                size bigint NOT NULL,
                media_type text NOT NULL,
                original_filename text,
                storage_key text NOT NULL,
                status text NOT NULL CHECK (status IN ('stored', 'processing', 'ready', 'failed')),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                metadata jsonb NOT NULL DEFAULT '{}',
                cluster_id uuid,
                comments text,
                UNIQUE (owner, sha256)
            )
            """,
            // Keyset pagination walks (owner, created_at, id).
            "CREATE INDEX assets_owner_page ON assets (owner, created_at, id)",
            "CREATE INDEX assets_page ON assets (created_at, id)",
            """
            CREATE TABLE ingest_requests (
                id uuid PRIMARY KEY,
                owner text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE ingest_request_items (
                request_id uuid NOT NULL REFERENCES ingest_requests (id),
                position int NOT NULL,
                asset_id uuid NOT NULL REFERENCES assets (id),
                PRIMARY KEY (request_id, position)
            )
            """,
            """
            CREATE TABLE jobs (
                id bigserial PRIMARY KEY,
                asset_id uuid NOT NULL REFERENCES assets (id),
                stage text NOT NULL,
                state text NOT NULL CHECK (state IN ('queued', 'processing', 'done', 'failed', 'dead')),
                attempts int NOT NULL DEFAULT 0,
                max_attempts int NOT NULL,
                lease_token uuid,
                lease_until timestamptz,
                leased_by text,
                last_error text,
                run_after timestamptz NOT NULL DEFAULT now(),
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (asset_id, stage)
            )
            """,
            "CREATE INDEX jobs_ready ON jobs (run_after, id) WHERE state = 'queued'",
            "CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'processing'",
            "CREATE INDEX jobs_asset ON jobs (asset_id, id)",
            """
            CREATE TABLE lineage (
                id bigserial PRIMARY KEY,
                asset_id uuid NOT NULL REFERENCES assets (id),
                seq int NOT NULL,
                at timestamptz NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                detail jsonb NOT NULL,
                prev_hash bytea,
                hash bytea NOT NULL,
                UNIQUE (asset_id, seq)
            )
            """,
            // Append-only: history is never rewritten through the catalog's own role.
            """
            CREATE FUNCTION lineage_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'lineage is append-only'; END $$
            """,
            """
            CREATE TRIGGER lineage_append_only BEFORE UPDATE OR DELETE ON lineage
            FOR EACH ROW EXECUTE FUNCTION lineage_is_append_only()
            """,
        ])
}
