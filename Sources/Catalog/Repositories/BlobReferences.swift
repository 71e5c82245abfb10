import Foundation
import Logging
import PostgresNIO

/// Whether the catalog names a blob, for the orphan sweeper. Deleting a blob a row names loses
/// data, so every place the catalog keeps a key of the blob store is asked:
///
/// - `assets.storage_key`: each asset's content-addressed original (`raw/…`), whatever its
///   status (a purged asset's original is kept while another asset uses the same bytes);
/// - `assets.placement_key`: its file in the folder view (`media/unsorted|clusters|trash/…`);
/// - `derived_blobs.storage_key`: thumbnails, previews, CLIP inputs and video frames (`raw/…`);
/// - `placement_moves.target_key` and `earlier_targets`: where a recorded move puts a file,
///   and where an earlier move of it, cut short by a crash, may have left it.
///
/// Small documents (`inline/…`) are rows of the catalog, not blobs of the store.
public struct BlobReferences: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The sweeper's task, whose lineage chain (`task:orphan.sweep`) records each removal.
    public static let sweepKey = "orphan.sweep"

    /// A blob as the store listed it.
    public struct Candidate: Sendable, Equatable {
        public let key: String
        public let size: Int64
        public let modified: Date

        public init(key: String, size: Int64, modified: Date) {
            self.key = key
            self.size = size
            self.modified = modified
        }
    }

    /// Finds, in one statement, the candidates no row names, and hands them to `remove`, which
    /// deletes what it can from the store and returns what it deleted; each deletion is recorded
    /// on the sweep's chain in the same transaction. Returns what was deleted.
    ///
    /// The folder view's lock is held throughout (`PlacementMoves.performPending` takes it
    /// shared): a file is put in place only by a move recorded before, so a move recorded after
    /// the check cannot put a file where the sweeper is about to delete one. Keys of originals
    /// and renditions need no lock: an upload writes its blob before its row, and the sweeper
    /// only deletes blobs older than its grace period (`remove` checks their time again).
    public func removeUnreferenced(
        _ candidates: [Candidate], actor: String,
        remove: @Sendable ([Candidate]) async throws -> [Candidate]
    ) async throws -> [Candidate] {
        guard !candidates.isEmpty else { return [] }
        return try await client.transaction(logger: logger) { connection in
            try await PlacementMoves.lockFolderView(exclusively: true, on: connection, logger: logger)
            let rows = try await connection.query(
                """
                WITH pending AS (
                    SELECT target_key AS key FROM placement_moves
                    UNION ALL SELECT unnest(earlier_targets) FROM placement_moves
                )
                SELECT c.key FROM unnest(\(candidates.map(\.key))::text[]) AS c(key)
                WHERE NOT EXISTS (
                        SELECT 1 FROM assets a WHERE a.storage_key = c.key AND a.storage_key NOT LIKE 'inline/%')
                  AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.placement_key = c.key)
                  AND NOT EXISTS (SELECT 1 FROM derived_blobs d WHERE d.storage_key = c.key)
                  AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.key = c.key)
                """, logger: logger)
            var unreferenced: Set<String> = []
            for try await key in rows.decode(String.self) { unreferenced.insert(key) }
            guard !unreferenced.isEmpty else { return [] }
            let removed = try await remove(candidates.filter { unreferenced.contains($0.key) })
            let subject = LineageSubject.other(.task, key: Self.sweepKey)
            try await LineageLog.lock(subject, on: connection, logger: logger)
            for blob in removed {
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "blob.orphan_removed",
                        detail: [
                            "key": .string(blob.key), "size": .number(Double(blob.size)),
                            "modified": .string(blob.modified.formatted(.iso8601)),
                        ]),
                    to: subject, on: connection, logger: logger, lockHeld: true)
            }
            return removed
        }
    }
}
