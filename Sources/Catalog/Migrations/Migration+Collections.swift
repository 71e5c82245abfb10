extension Migration {
    /// JSON families: each collection's statistics, storage decision, schema versions and the
    /// proposals an admin decides on. Documents live in schema `docs`: a JSONB table while the
    /// collection is staged (or kept as JSONB), a typed table once a proposal is approved.
    static let collections = Migration(
        version: 7, name: "collections",
        statements: [
            "CREATE SCHEMA docs",
            """
            CREATE TABLE collections (
                id uuid PRIMARY KEY,
                owner text NOT NULL,
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
                -- Sanitised and unique: the base of the tables' names in schema docs.
                table_name text NOT NULL UNIQUE,
                storage text NOT NULL CHECK (storage IN ('staging', 'typed', 'jsonb')),
                contract text NOT NULL CHECK (contract IN ('review', 'evolve', 'freeze')),
                provisional boolean NOT NULL,
                schema_version int NOT NULL DEFAULT 0,
                layout jsonb,
                statistics jsonb,
                decision jsonb,
                -- Top-level keys and the share of documents holding each: what a new document's
                -- keys are matched against when no collection is named.
                signature jsonb NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (owner, name)
            )
            """,
            // Which collection holds each document; a repeat of the same bytes stays where the
            // first copy went.
            """
            CREATE TABLE collection_documents (
                asset_id uuid PRIMARY KEY REFERENCES assets (id),
                collection_id uuid NOT NULL REFERENCES collections (id)
            )
            """,
            "CREATE INDEX collection_documents_collection ON collection_documents (collection_id)",
            // Statistics of each ingested batch, merged into the collection's by its review task:
            // an ingest never waits on the collection's row to count its documents.
            """
            CREATE TABLE collection_statistics_pending (
                id bigserial PRIMARY KEY,
                collection_id uuid NOT NULL REFERENCES collections (id),
                documents int NOT NULL,
                statistics jsonb NOT NULL
            )
            """,
            "CREATE INDEX collection_statistics_pending_collection ON collection_statistics_pending (collection_id, id)",
            """
            CREATE TABLE schema_versions (
                collection_id uuid NOT NULL REFERENCES collections (id),
                version int NOT NULL,
                storage text NOT NULL CHECK (storage IN ('typed', 'jsonb')),
                layout jsonb,
                statements jsonb NOT NULL,
                proposal_id uuid,
                actor text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (collection_id, version)
            )
            """,
            """
            CREATE TABLE proposals (
                id uuid PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('schema')),
                owner text NOT NULL,
                collection_id uuid REFERENCES collections (id),
                state text NOT NULL CHECK (state IN ('open', 'approved', 'rejected', 'superseded')),
                summary text NOT NULL,
                payload jsonb NOT NULL,
                result jsonb,
                created_at timestamptz NOT NULL DEFAULT now(),
                decided_at timestamptz,
                decided_by text
            )
            """,
            // One open schema proposal per collection: a newer one supersedes it.
            "CREATE UNIQUE INDEX proposals_one_open ON proposals (collection_id) WHERE state = 'open'",
            "CREATE INDEX proposals_page ON proposals (kind, created_at, id)",
        ])
}
