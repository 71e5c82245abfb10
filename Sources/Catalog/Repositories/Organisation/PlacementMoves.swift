import Foundation
import Logging
import PostgresNIO

/// Moving media between folders, crash-safe. A move is first recorded (`placement_moves`, in the
/// transaction of the decision that needs it, together with the task that performs it); then the
/// file moves; then one transaction points the asset at its new place, deletes the record and
/// appends `asset.moved`. The record's row stays locked while its file moves, so two workers never
/// move one file. After a crash the rows left are exactly the moves to finish, and finishing one is
/// idempotent: the file is where it was (move it), where it goes (nothing to do), or, should both
/// be gone, linked again from the content-addressed original, which stays while any asset
/// points at it.
public struct PlacementMoves: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The task that performs an owner's recorded moves.
    public static let taskKind = "placement"
    public static func taskKey(owner: String) -> String { "placement:\(owner)" }

    public struct Request: Sendable {
        public let assetID: UUID
        public let target: String

        public init(assetID: UUID, target: String) {
            self.assetID = assetID
            self.target = target
        }
    }

    /// One move to perform: the file at `current` (or, when there is none yet, the original at
    /// `original`) goes to `target`.
    public struct Pending: Sendable, Equatable {
        public let assetID: UUID
        public let original: String
        public let current: String?
        public let target: String
        /// Targets of replaced moves that a crash may have left the file at.
        public let earlier: [String]
        public let reason: String
    }

    /// Records moves inside the caller's transaction, with the task that will perform them. A
    /// later move of the same asset replaces one not yet performed: only the last place counts.
    static func request(
        _ moves: [Request], owner: String, reason: String, actor: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !moves.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO placement_moves (asset_id, owner, target_key, reason, actor)
            SELECT id, \(owner), target, \(reason), \(actor)
            FROM unnest(\(moves.map(\.assetID))::uuid[], \(moves.map(\.target))::text[]) AS x(id, target)
            ON CONFLICT (asset_id) DO UPDATE SET target_key = excluded.target_key, reason = excluded.reason,
                actor = excluded.actor, created_at = now(),
                earlier_targets = CASE WHEN placement_moves.target_key = excluded.target_key
                                       THEN placement_moves.earlier_targets
                                       ELSE placement_moves.earlier_targets || placement_moves.target_key END
            """, logger: logger)
        try await JobRepository.enqueue(
            TaskRequest(kind: taskKind, key: taskKey(owner: owner), payload: ["owner": .string(owner)]),
            actor: actor, on: connection, logger: logger)
    }

    /// Records moves in a transaction of their own.
    public func request(_ moves: [Request], owner: String, reason: String, actor: String) async throws {
        try await client.transaction(logger: logger) { connection in
            try await Self.request(moves, owner: owner, reason: reason, actor: actor, on: connection, logger: logger)
        }
    }

    /// Performs up to `limit` of the owner's recorded moves: `perform` moves the files (the rows
    /// are locked meanwhile) and returns the assets whose bytes were nowhere; one transaction then
    /// records where each asset now is. Returns how many moves were settled; 0 when none is left.
    ///
    /// Locks are taken in the order of every writer of assets: the assets' lineage locks (SHA-256,
    /// then id), then their rows, then the moves' rows; so the task never waits in a cycle with a
    /// decision recording new moves or a stage completing.
    public func performPending(
        owner: String, limit: Int, perform: @Sendable ([Pending]) async throws -> Set<UUID>
    ) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            try await Self.lockFolderView(exclusively: false, on: connection, logger: logger)
            let next = try await connection.query(
                """
                SELECT m.asset_id FROM placement_moves m JOIN assets a ON a.id = m.asset_id
                WHERE m.owner = \(owner)
                ORDER BY m.created_at, m.asset_id
                LIMIT \(limit)
                """, logger: logger)
            var candidates: [UUID] = []
            for try await id in next.decode(UUID.self) { candidates.append(id) }
            guard !candidates.isEmpty else { return 0 }
            let order = try await connection.query(
                "SELECT id FROM assets WHERE id = ANY(\(candidates)::uuid[]) ORDER BY sha256, id", logger: logger)
            var ordered: [UUID] = []
            for try await id in order.decode(UUID.self) { ordered.append(id) }
            for id in ordered { try await LineageLog.lock(.asset(id), on: connection, logger: logger) }
            let rows = try await connection.query(
                """
                SELECT m.asset_id, a.storage_key, a.placement_key, m.target_key, m.earlier_targets, m.reason, m.actor
                FROM placement_moves m JOIN assets a ON a.id = m.asset_id
                WHERE m.asset_id = ANY(\(candidates)::uuid[])
                ORDER BY a.sha256, a.id
                FOR UPDATE OF a, m
                """, logger: logger)
            var pending: [Pending] = []
            var actors: [UUID: String] = [:]
            for try await (id, original, current, target, earlier, reason, actor) in rows.decode(
                (UUID, String, String?, String, [String], String, String).self)
            {
                pending.append(
                    Pending(
                        assetID: id, original: original, current: current, target: target, earlier: earlier,
                        reason: reason))
                actors[id] = actor
            }
            // Another run settled them between the two reads.
            guard !pending.isEmpty else { return 0 }
            let missing = try await perform(pending)
            for move in pending {
                let event: NewLineageEvent
                if missing.contains(move.assetID) {
                    // Nothing to move: the record goes, with the reason, rather than stop every
                    // later move of the owner.
                    event = NewLineageEvent(
                        actor: actors[move.assetID]!, action: "asset.move_failed",
                        detail: [
                            "to": .string(move.target), "reason": .string(move.reason),
                            "error": .string("no file at its place nor at \(move.original)"),
                        ])
                } else {
                    try await connection.query(
                        "UPDATE assets SET placement_key = \(move.target), updated_at = now() WHERE id = \(move.assetID)",
                        logger: logger)
                    guard move.current != move.target else { continue }
                    event = NewLineageEvent(
                        actor: actors[move.assetID]!, action: "asset.moved",
                        detail: [
                            "from": move.current.map(JSONValue.string) ?? .null, "to": .string(move.target),
                            "reason": .string(move.reason),
                        ])
                }
                try await LineageLog.append(event, to: move.assetID, on: connection, logger: logger, lockHeld: true)
            }
            try await connection.query(
                "DELETE FROM placement_moves WHERE asset_id = ANY(\(pending.map(\.assetID))::uuid[])", logger: logger)
            return pending.count
        }
    }

    /// Taken shared by every run that puts files in place, and exclusively by the orphan sweeper
    /// while it checks and deletes (`BlobReferences`), before any other lock of the transaction.
    static func lockFolderView(exclusively: Bool, on connection: PostgresConnection, logger: Logger) async throws {
        let lock: PostgresQuery =
            exclusively
            ? "SELECT pg_advisory_xact_lock(hashtextextended('folder-view', 0))"
            : "SELECT pg_advisory_xact_lock_shared(hashtextextended('folder-view', 0))"
        try await connection.query(lock, logger: logger)
    }

    /// True for an asset with no place in the folder view and no move recorded.
    public func needsFirstPlacement(_ assetID: UUID) async throws -> Bool {
        let rows = try await client.query(
            """
            SELECT 1 FROM assets a
            WHERE a.id = \(assetID) AND a.placement_key IS NULL AND a.trashed_at IS NULL AND a.status <> 'purged'
              AND NOT EXISTS (SELECT 1 FROM placement_moves m WHERE m.asset_id = a.id)
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    public func pendingCount(owner: String? = nil) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int FROM placement_moves WHERE \(owner)::text IS NULL OR owner = \(owner)",
            logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
