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
                actor = excluded.actor, created_at = now()
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
    /// are locked meanwhile), and one transaction then records where each asset now is. Returns
    /// how many were completed; 0 when none is left (or every one left is being moved elsewhere).
    public func performPending(
        owner: String, limit: Int, perform: @Sendable ([Pending]) async throws -> Void
    ) async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT m.asset_id, a.storage_key, a.placement_key, m.target_key, m.reason, m.actor, encode(a.sha256, 'hex')
                FROM placement_moves m JOIN assets a ON a.id = m.asset_id
                WHERE m.owner = \(owner)
                ORDER BY m.created_at, m.asset_id
                LIMIT \(limit)
                FOR UPDATE OF m SKIP LOCKED
                """, logger: logger)
            var pending: [Pending] = []
            var actors: [UUID: String] = [:]
            var lockOrder: [(sha256: String, id: UUID)] = []
            for try await (id, original, current, target, reason, actor, sha256) in rows.decode(
                (UUID, String, String?, String, String, String, String).self)
            {
                pending.append(
                    Pending(assetID: id, original: original, current: current, target: target, reason: reason))
                actors[id] = actor
                lockOrder.append((sha256, id))
            }
            guard !pending.isEmpty else { return 0 }
            try await perform(pending)
            // Assets' chains in the order of every multi-asset write: SHA-256, then id.
            let byID = Dictionary(uniqueKeysWithValues: pending.map { ($0.assetID, $0) })
            for (_, id) in lockOrder.sorted(by: { ($0.sha256, $0.id.uuidString) < ($1.sha256, $1.id.uuidString) }) {
                let move = byID[id]!
                try await connection.query(
                    """
                    UPDATE assets SET placement_key = \(move.target), updated_at = now() WHERE id = \(move.assetID)
                    """, logger: logger)
                if move.current != move.target {
                    try await LineageLog.append(
                        NewLineageEvent(
                            actor: actors[move.assetID]!, action: "asset.moved",
                            detail: [
                                "from": move.current.map(JSONValue.string) ?? .null, "to": .string(move.target),
                                "reason": .string(move.reason),
                            ]), to: move.assetID, on: connection, logger: logger)
                }
            }
            try await connection.query(
                "DELETE FROM placement_moves WHERE asset_id = ANY(\(pending.map(\.assetID))::uuid[])", logger: logger)
            return pending.count
        }
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

    /// Owners with moves recorded and not yet performed: after a restart, each gets its task again.
    public func ownersWithPendingMoves() async throws -> [String] {
        let rows = try await client.query("SELECT DISTINCT owner FROM placement_moves", logger: logger)
        var owners: [String] = []
        for try await owner in rows.decode(String.self) { owners.append(owner) }
        return owners
    }

    public func pendingCount(owner: String? = nil) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int FROM placement_moves WHERE \(owner)::text IS NULL OR owner = \(owner)",
            logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
