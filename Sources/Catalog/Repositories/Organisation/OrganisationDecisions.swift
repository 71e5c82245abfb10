import Foundation
import Logging
import Organise
import PostgresNIO

/// What admins decide about media: resolving or dismissing duplicates, approving clusters and
/// assignments, renaming, merging and splitting clusters, restoring from the trash. Each decision
/// is one transaction that changes the catalog, records the moves its files need (performed right
/// after by the owner's placement task) and appends lineage for every subject it touches.
public struct OrganisationDecisions: Sendable {
    let client: PostgresClient
    let logger: Logger

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notFound(String)
        case notOpen(ProposalState)
        /// The request itself is wrong (400).
        case invalid(String)
        /// The media changed since the proposal was made (409).
        case outdated(String)

        public var description: String {
            switch self {
            case .notFound(let what): return "no such \(what)"
            case .notOpen(let state): return "the proposal is \(state.rawValue), not open"
            case .invalid(let message), .outdated(let message): return message
            }
        }
    }

    /// The media's rows as a decision needs them, locked in the order of every multi-asset write.
    struct Member {
        let id: UUID
        let owner: String
        let mediaType: String
        let clusterID: UUID?
        let trashed: Bool
        let purged: Bool
        let comments: String?
        let capturedAt: String?
    }

    /// One transaction per decision, run again should PostgreSQL abort it to break a deadlock
    /// with a concurrent writer (the lock order below makes that rare, not impossible).
    func decision<Result: Sendable>(
        _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.retryingConflicts(logger: logger) {
            try await client.transaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Locks the assets as every writer of assets does: each one's lineage lock first (in
    /// SHA-256, then id order), then the rows, so a decision never waits in a cycle with a stage
    /// completion, an ingest repeat or the placement task.
    static func lockMembers(
        _ ids: [UUID], on connection: PostgresConnection, logger: Logger
    ) async throws -> [UUID: Member] {
        guard !ids.isEmpty else { return [:] }
        let order = try await connection.query(
            "SELECT id FROM assets WHERE id = ANY(\(ids)::uuid[]) ORDER BY sha256, id", logger: logger)
        var ordered: [UUID] = []
        for try await id in order.decode(UUID.self) { ordered.append(id) }
        for id in ordered { try await LineageLog.lock(.asset(id), on: connection, logger: logger) }
        let rows = try await connection.query(
            """
            SELECT id, owner, media_type, cluster_id, trashed_at IS NOT NULL, status = 'purged', comments,
                   coalesce(metadata->'exif'->>'captured_at', metadata->'carried'->>'captured_at')
            FROM assets WHERE id = ANY(\(ids)::uuid[])
            ORDER BY sha256, id FOR UPDATE
            """, logger: logger)
        var members: [UUID: Member] = [:]
        for try await c in rows.decode((UUID, String, String, UUID?, Bool, Bool, String?, String?).self) {
            members[c.0] = Member(
                id: c.0, owner: c.1, mediaType: c.2, clusterID: c.3, trashed: c.4, purged: c.5, comments: c.6,
                capturedAt: c.7)
        }
        return members
    }

    static func lockProposal(
        _ id: UUID, kind: ProposalKind, on connection: PostgresConnection, logger: Logger
    ) async throws -> (owner: String, payload: String, clusterID: UUID?) {
        let rows = try await connection.query(
            "SELECT owner, state, payload::text, cluster_id FROM proposals WHERE id = \(id) AND kind = \(kind.rawValue) FOR UPDATE",
            logger: logger)
        for try await (owner, state, payload, cluster) in rows.decode((String, String, String, UUID?).self) {
            let state = try ProposalState.decoded(state, column: "proposals.state")
            guard state == .open else { throw Refusal.notOpen(state) }
            return (owner, payload, cluster)
        }
        throw Refusal.notFound("\(kind.rawValue) proposal")
    }

    static func decide(
        _ id: UUID, approved: Bool, result: JSONValue, actor: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let state = approved ? ProposalState.approved : .rejected
        try await connection.query(
            """
            UPDATE proposals SET state = \(state.rawValue), result = \(result.jsonText)::jsonb, decided_at = now(),
                decided_by = \(actor)
            WHERE id = \(id)
            """, logger: logger)
        try await LineageLog.append(
            NewLineageEvent(actor: actor, action: "proposal.\(state.rawValue)", detail: result),
            to: .other(.proposal, key: id.uuidString.lowercased()), on: connection, logger: logger)
    }

    static func appendToAssets(
        _ ids: [UUID], action: String, detail: JSONValue, actor: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        for id in ids {
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: action, detail: detail), to: id, on: connection, logger: logger)
        }
    }

    static func appendToCluster(
        _ id: UUID, action: String, detail: JSONValue, actor: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await LineageLog.append(
            NewLineageEvent(actor: actor, action: action, detail: detail),
            to: .other(.cluster, key: id.uuidString.lowercased()), on: connection, logger: logger)
    }

    /// The cluster's folder for each member.
    static func moves(to slug: String, _ members: [Member]) -> [PlacementMoves.Request] {
        members.map {
            PlacementMoves.Request(assetID: $0.id, target: FolderLayout.cluster(slug, $0.id, mediaType: $0.mediaType))
        }
    }

    static func decodePayload<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

extension JSONValue {
    static func ids(_ ids: [UUID]) -> JSONValue { .array(ids.map { .string($0.uuidString.lowercased()) }) }
    static func id(_ id: UUID) -> JSONValue { .string(id.uuidString.lowercased()) }
}
