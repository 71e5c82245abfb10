import Foundation
import Logging
import PostgresNIO

/// The append-only history of each asset, collection, cluster, proposal and task: one hash
/// chain per subject.
public struct LineageLog: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Appends inside the caller's transaction, so the event commits with the change it records.
    /// The per-chain advisory lock keeps the chain linear when two transactions touch one subject;
    /// `lockHeld`: the caller already took it in this transaction.
    static func append(
        _ event: NewLineageEvent, to subject: LineageSubject, on connection: PostgresConnection, logger: Logger,
        lockHeld: Bool = false
    ) async throws {
        if !lockHeld { try await lock(subject, on: connection, logger: logger) }
        let detail = event.detail.jsonText
        switch subject {
        case .asset(let assetID):
            let append = AppendAssetEvent(assetID: assetID, actor: event.actor, action: event.action, detail: detail)
            try await connection.run(append, logger: logger)
        case .other(let type, let key):
            try await connection.query(
                """
                WITH previous AS (
                    SELECT seq, hash FROM lineage
                    WHERE asset_id IS NULL AND subject_type = \(type.rawValue) AND subject_key = \(key)
                    ORDER BY seq DESC LIMIT 1
                ), event AS (
                    SELECT \(type.rawValue)::text AS subject_type, \(key)::text AS subject_key,
                           coalesce((SELECT seq FROM previous), 0) + 1 AS seq, clock_timestamp() AS at,
                           \(event.actor)::text AS actor, \(event.action)::text AS action, \(detail)::jsonb AS detail,
                           (SELECT hash FROM previous) AS prev_hash
                )
                INSERT INTO lineage (subject_type, subject_key, seq, at, actor, action, detail, prev_hash, hash)
                SELECT subject_type, subject_key, seq, at, actor, action, detail, prev_hash,
                       \(unescaped: LineageHash.subjectSQLExpression)
                FROM event
                """, logger: logger)
        }
    }

    static func append(
        _ event: NewLineageEvent, to assetID: UUID, on connection: PostgresConnection, logger: Logger,
        lockHeld: Bool = false
    ) async throws {
        try await append(event, to: .asset(assetID), on: connection, logger: logger, lockHeld: lockHeld)
    }

    static func lock(_ subject: LineageSubject, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(subject.lockName), 0))", logger: logger)
    }

    /// Names the lock of an asset's chain, for statements that take it themselves.
    static func lockName(_ assetID: UUID) -> String { LineageSubject.asset(assetID).lockName }

    /// Appends in a transaction of its own.
    public func append(_ event: NewLineageEvent, to subject: LineageSubject) async throws {
        try await client.transaction(logger: logger) { connection in
            try await Self.append(event, to: subject, on: connection, logger: logger)
        }
    }

    public func append(_ event: NewLineageEvent, to assetID: UUID) async throws {
        try await append(event, to: .asset(assetID))
    }

    /// One page of a chain in order: the events after `seq`, at most `limit` of them. An asset
    /// can gather any number of events (each repeat upload adds one), so nothing reads a whole
    /// chain to answer a client.
    public func events(for subject: LineageSubject, after seq: Int = 0, limit: Int) async throws -> [LineageEvent] {
        let rows: PostgresRowSequence
        switch subject {
        case .asset(let assetID):
            rows = try await client.query(
                """
                SELECT seq, at, actor, action, detail::text, encode(hash, 'hex')
                FROM lineage WHERE asset_id = \(assetID) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                """, logger: logger)
        case .other(let type, let key):
            rows = try await client.query(
                """
                SELECT seq, at, actor, action, detail::text, encode(hash, 'hex')
                FROM lineage
                WHERE asset_id IS NULL AND subject_type = \(type.rawValue) AND subject_key = \(key) AND seq > \(seq)
                ORDER BY seq LIMIT \(limit)
                """, logger: logger)
        }
        var events: [LineageEvent] = []
        for try await (seq, at, actor, action, detail, hash) in rows.decode(
            (Int, Date, String, String, String, String).self)
        {
            events.append(
                LineageEvent(
                    seq: seq, at: at, actor: actor, action: action, detail: JSONValue.parse(detail), hash: hash))
        }
        return events
    }

    public func events(for assetID: UUID, after seq: Int = 0, limit: Int) async throws -> [LineageEvent] {
        try await events(for: .asset(assetID), after: seq, limit: limit)
    }

    /// How many events an asset's chain holds.
    public func count(for assetID: UUID) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int FROM lineage WHERE asset_id = \(assetID)", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// One event on an asset's chain, the caller holding its lock: every completion and failure.
private struct AppendAssetEvent: HotStatement {
    static let sql = """
        WITH previous AS (
            SELECT seq, hash FROM lineage WHERE asset_id = $1 ORDER BY seq DESC LIMIT 1
        ), event AS (
            SELECT $1::uuid AS asset_id, coalesce((SELECT seq FROM previous), 0) + 1 AS seq,
                   clock_timestamp() AS at, $2::text AS actor, $3::text AS action, $4::jsonb AS detail,
                   (SELECT hash FROM previous) AS prev_hash
        ), appended AS (
            INSERT INTO lineage (asset_id, seq, at, actor, action, detail, prev_hash, hash)
            SELECT asset_id, seq, at, actor, action, detail, prev_hash, \(LineageHash.sqlExpression)
            FROM event
        )
        SELECT 1
        """

    let assetID: UUID
    let actor: String
    let action: String
    let detail: String

    func makeBindings() -> PostgresBindings { PostgresBindings(assetID, actor, action, detail) }
}
