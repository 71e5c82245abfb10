import Foundation
import Logging
import PostgresNIO

/// The trash: media an admin resolved away, recoverable until they are purged.
public struct TrashRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public func list(owner: String?, limit: Int) async throws -> [(asset: AssetRecord, trashedAt: Date)] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: AssetRepository.columns), trashed_at FROM assets
            WHERE trashed_at IS NOT NULL AND status <> 'purged' AND (\(owner)::text IS NULL OR owner = \(owner))
            ORDER BY trashed_at DESC, id LIMIT \(limit)
            """, logger: logger)
        var result: [(asset: AssetRecord, trashedAt: Date)] = []
        for try await row in rows {
            result.append((try AssetRepository.decode(row), try row.makeRandomAccess()[16].decode(Date.self)))
        }
        return result
    }

    /// Files that a purge removes from the store: the asset's own file, and the original and
    /// renditions that no other asset still uses.
    public struct PurgedFiles: Sendable {
        public let assetID: UUID
        public let keys: [String]
    }

    /// Purges up to `limit` media trashed before `cutoff`: what the catalog holds of them goes
    /// (vectors, tags, hashes, pairs), the asset row stays as `purged` for its history. Then
    /// `deleteFiles` removes their files and the catalog forgets the keys. A purge a crash cut
    /// short is finished by the next one. Returns the purged assets' ids.
    public func purge(
        trashedBefore cutoff: Date, limit: Int, actor: String,
        deleteFiles: @Sendable ([PurgedFiles]) async throws -> Void
    ) async throws -> [UUID] {
        let purged: [UUID] = try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT id FROM assets
                WHERE trashed_at < \(cutoff) AND status <> 'purged'
                ORDER BY sha256, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger)
            var ids: [UUID] = []
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            guard !ids.isEmpty else { return [] }
            for table in ["embeddings", "asset_tags", "perceptual_hashes", "placement_moves"] {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "DELETE FROM \(table) WHERE asset_id = ANY($1::uuid[])",
                        binds: {
                            var b = PostgresBindings(); b.append(ids); return b
                        }()), logger: logger)
            }
            try await connection.query(
                """
                DELETE FROM duplicate_pairs WHERE asset_a = ANY(\(ids)::uuid[]) OR asset_b = ANY(\(ids)::uuid[])
                """, logger: logger)
            // The content's hash moves into the metadata: the (owner, SHA-256) slot is free, so the
            // same bytes uploaded again are a new asset, processed anew, not a repeat of one whose
            // content is gone.
            try await connection.query(
                """
                UPDATE assets SET status = 'purged', updated_at = now(),
                    metadata = metadata || jsonb_build_object('purged', jsonb_build_object('sha256', encode(sha256, 'hex'))),
                    sha256 = sha256(('purged:' || id::text)::bytea)
                WHERE id = ANY(\(ids)::uuid[])
                """, logger: logger)
            for id in ids {
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "asset.purged",
                        detail: ["trashed_before": .string(cutoff.formatted(.iso8601))]),
                    to: id, on: connection, logger: logger)
            }
            return ids
        }
        try await removeFiles(deleteFiles)
        return purged
    }

    /// The files of purged media still on record, removed and forgotten.
    private func removeFiles(_ deleteFiles: @Sendable ([PurgedFiles]) async throws -> Void) async throws {
        let rows = try await client.query(
            """
            SELECT a.id, array_remove(
                ARRAY[a.placement_key,
                      CASE WHEN NOT EXISTS (SELECT 1 FROM assets o WHERE o.storage_key = a.storage_key
                                              AND o.id <> a.id AND o.status <> 'purged')
                           THEN a.storage_key END]
                || coalesce((SELECT array_agg(d.storage_key) FROM derived_blobs d
                             WHERE d.asset_id = a.id AND NOT EXISTS (
                                 SELECT 1 FROM derived_blobs o WHERE o.storage_key = d.storage_key AND o.asset_id <> a.id)),
                            '{}'),
                NULL)
            FROM assets a
            WHERE a.status = 'purged'
              AND (a.placement_key IS NOT NULL OR EXISTS (SELECT 1 FROM derived_blobs d WHERE d.asset_id = a.id))
            LIMIT 1000
            """, logger: logger)
        var files: [PurgedFiles] = []
        for try await (id, keys) in rows.decode((UUID, [String]).self) {
            files.append(PurgedFiles(assetID: id, keys: keys))
        }
        guard !files.isEmpty else { return }
        try await deleteFiles(files)
        let ids = files.map(\.assetID)
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE assets SET placement_key = NULL WHERE id = ANY(\(ids)::uuid[])", logger: logger)
            try await connection.query("DELETE FROM derived_blobs WHERE asset_id = ANY(\(ids)::uuid[])", logger: logger)
        }
    }
}
