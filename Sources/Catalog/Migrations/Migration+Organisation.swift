extension Migration {
    /// Media organisation: where each asset's file sits, duplicates and the decisions about them,
    /// clusters (folders), moves recorded before they happen, and the trash.
    static let organisation = Migration(
        version: 9, name: "organisation",
        statements: [
            // The asset's file in the folder view (`media/unsorted/…`, `media/clusters/<slug>/…`,
            // `media/trash/…`); null until placed. The content-addressed original (`storage_key`)
            // stays while any asset points at it.
            "ALTER TABLE assets ADD COLUMN placement_key text",
            "ALTER TABLE assets ADD COLUMN trashed_at timestamptz",
            "CREATE INDEX assets_trashed ON assets (trashed_at) WHERE trashed_at IS NOT NULL",
            "ALTER TABLE assets DROP CONSTRAINT assets_status_check",
            """
            ALTER TABLE assets ADD CONSTRAINT assets_status_check
                CHECK (status IN ('stored', 'processing', 'ready', 'failed', 'purged'))
            """,
            "ALTER TABLE perceptual_hashes ADD COLUMN pixel_digest bytea",
            "CREATE INDEX perceptual_hashes_pixels ON perceptual_hashes (pixel_digest) WHERE pixel_digest IS NOT NULL",
            """
            CREATE TABLE clusters (
                id uuid PRIMARY KEY,
                owner text NOT NULL,
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                -- The folder: media/clusters/<slug>/. Unique among active clusters.
                slug text NOT NULL,
                state text NOT NULL CHECK (state IN ('active', 'merged')),
                merged_into uuid REFERENCES clusters (id),
                centroid vector,
                cohesion double precision,
                exemplars uuid[] NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE UNIQUE INDEX clusters_slug ON clusters (slug) WHERE state = 'active'",
            "CREATE INDEX clusters_owner ON clusters (owner, created_at) WHERE state = 'active'",
            "ALTER TABLE assets ADD CONSTRAINT assets_cluster FOREIGN KEY (cluster_id) REFERENCES clusters (id)",
            "CREATE INDEX assets_cluster ON assets (cluster_id, id) WHERE cluster_id IS NOT NULL",
            // Members an admin took out of a cluster: never proposed for it again.
            """
            CREATE TABLE cluster_exclusions (
                cluster_id uuid NOT NULL REFERENCES clusters (id),
                asset_id uuid NOT NULL REFERENCES assets (id),
                decided_by text NOT NULL,
                decided_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (cluster_id, asset_id)
            )
            """,
            // Pairs found by an asset's `organise` stage, with the evidence; grouped by the
            // owner's organise task. Each pair once, the smaller id first.
            """
            CREATE TABLE duplicate_pairs (
                asset_a uuid NOT NULL REFERENCES assets (id),
                asset_b uuid NOT NULL REFERENCES assets (id),
                owner text NOT NULL,
                tier text NOT NULL CHECK (tier IN ('pixel_identical', 'near_exact', 'visually_similar')),
                evidence jsonb NOT NULL,
                found_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (asset_a, asset_b),
                CHECK (asset_a < asset_b)
            )
            """,
            "CREATE INDEX duplicate_pairs_b ON duplicate_pairs (asset_b)",
            "CREATE INDEX duplicate_pairs_owner ON duplicate_pairs (owner)",
            // "Not a duplicate", per pair: outlives re-embedding and every later pass.
            """
            CREATE TABLE not_duplicate_pairs (
                asset_a uuid NOT NULL REFERENCES assets (id),
                asset_b uuid NOT NULL REFERENCES assets (id),
                decided_by text NOT NULL,
                decided_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (asset_a, asset_b),
                CHECK (asset_a < asset_b)
            )
            """,
            // A move is recorded before the file moves, and the row goes in the transaction that
            // points the asset at its new place: after a crash, every row left is a move to finish.
            """
            CREATE TABLE placement_moves (
                asset_id uuid PRIMARY KEY REFERENCES assets (id),
                owner text NOT NULL,
                target_key text NOT NULL,
                -- Targets of moves this one replaced before they were recorded done: a crash may
                -- have left the file at one of them.
                earlier_targets text[] NOT NULL DEFAULT '{}',
                reason text NOT NULL,
                actor text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX placement_moves_owner ON placement_moves (owner, created_at, asset_id)",
            "ALTER TABLE proposals DROP CONSTRAINT proposals_kind_check",
            """
            ALTER TABLE proposals ADD CONSTRAINT proposals_kind_check
                CHECK (kind IN ('schema', 'duplicate', 'cluster', 'assignment'))
            """,
            "ALTER TABLE proposals ADD COLUMN cluster_id uuid REFERENCES clusters (id)",
            // What a media proposal proposes (its kind, cluster and sorted members, hashed): a pass
            // that finds the same again keeps the open proposal, and never reopens a rejected one.
            "ALTER TABLE proposals ADD COLUMN content_digest text",
            "CREATE INDEX proposals_media ON proposals (owner, kind, state) WHERE kind <> 'schema'",
            "CREATE INDEX proposals_content ON proposals (owner, content_digest) WHERE content_digest IS NOT NULL",
        ])
}
