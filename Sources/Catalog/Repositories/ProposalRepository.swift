import Foundation
import Logging
import PostgresNIO
import Schema

/// Proposals: listing them, and the transactions that open, approve and reject them.
public struct ProposalRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        id, kind, owner, collection_id, state, summary, payload::text, result::text, created_at, decided_at, decided_by,
        cluster_id
        """

    public func list(
        kind: ProposalKind?, owner: String?, state: ProposalState?, limit: Int
    ) async throws
        -> [ProposalRecord]
    {
        try await records(
            client.query(
                """
                SELECT \(unescaped: Self.columns) FROM proposals
                WHERE (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                  AND (\(owner)::text IS NULL OR owner = \(owner))
                  AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue))
                ORDER BY created_at DESC, id LIMIT \(limit)
                """, logger: logger))
    }

    public func proposal(_ id: UUID) async throws -> ProposalRecord? {
        try await records(
            client.query("SELECT \(unescaped: Self.columns) FROM proposals WHERE id = \(id)", logger: logger)
        ).first
    }

    public func openProposal(for collectionID: UUID) async throws -> ProposalRecord? {
        try await records(
            client.query(
                "SELECT \(unescaped: Self.columns) FROM proposals WHERE collection_id = \(collectionID) AND state = 'open'",
                logger: logger)
        ).first
    }

    func records(_ rows: PostgresRowSequence) async throws -> [ProposalRecord] {
        var records: [ProposalRecord] = []
        for try await row in rows {
            let c = try row.decode(
                (UUID, String, String, UUID?, String, String, String, String?, Date, Date?, String?, UUID?).self)
            records.append(
                ProposalRecord(
                    id: c.0, kind: try .decoded(c.1, column: "proposals.kind"), owner: c.2, collectionID: c.3,
                    clusterID: c.11,
                    state: try .decoded(c.4, column: "proposals.state"), summary: c.5, payload: c.6, result: c.7,
                    createdAt: c.8, decidedAt: c.9, decidedBy: c.10))
        }
        return records
    }

    /// Opens `proposal` for the collection, in the review's transaction. A proposal is the
    /// change it would make (its kind, layout and statements); its reasons and figures move with
    /// every batch. So an open proposal for the same change is refreshed in place (its id, which
    /// an admin may be looking at, stays); one for another change is superseded. A change an
    /// admin rejected is not proposed again. Returns the open proposal's id, if any.
    static func open(
        _ proposal: NewProposal, collection: CollectionRecord, actor: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> UUID? {
        // The payload is bound; `change` is the part that names what would be done.
        let rejected = try await connection.query(
            """
            WITH new AS (SELECT \(proposal.payload)::jsonb AS payload)
            SELECT 1 FROM proposals, new
            WHERE collection_id = \(collection.id) AND state = 'rejected'
              AND proposals.payload->>'kind' = new.payload->>'kind'
              AND proposals.payload->'statements' = new.payload->'statements'
              AND proposals.payload->'layout' IS NOT DISTINCT FROM new.payload->'layout'
            """, logger: logger)
        for try await _ in rejected { return nil }
        let existing = try await connection.query(
            """
            WITH new AS (SELECT \(proposal.payload)::jsonb AS payload)
            SELECT id, proposals.payload->>'kind' = new.payload->>'kind'
                       AND proposals.payload->'statements' = new.payload->'statements'
                       AND proposals.payload->'layout' IS NOT DISTINCT FROM new.payload->'layout'
            FROM proposals, new
            WHERE collection_id = \(collection.id) AND state = 'open' FOR UPDATE OF proposals
            """, logger: logger)
        for try await (id, same) in existing.decode((UUID, Bool).self) {
            if same {
                try await connection.query(
                    "UPDATE proposals SET payload = \(proposal.payload)::jsonb, summary = \(proposal.summary) WHERE id = \(id)",
                    logger: logger)
                return id
            }
            try await connection.query(
                "UPDATE proposals SET state = 'superseded', decided_at = now(), decided_by = \(actor) WHERE id = \(id)",
                logger: logger)
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "proposal.superseded", detail: [:]),
                to: .other(.proposal, key: id.uuidString.lowercased()), on: connection, logger: logger)
        }
        let id = UUID()
        try await connection.query(
            """
            INSERT INTO proposals (id, kind, owner, collection_id, state, summary, payload)
            VALUES (\(id), 'schema', \(collection.owner), \(collection.id), 'open', \(proposal.summary),
                    \(proposal.payload)::jsonb)
            """, logger: logger)
        try await LineageLog.append(
            NewLineageEvent(
                actor: actor, action: "proposal.opened",
                detail: [
                    "collection": .string(collection.id.uuidString.lowercased()), "summary": .string(proposal.summary),
                ]),
            to: .other(.proposal, key: id.uuidString.lowercased()), on: connection, logger: logger)
        return id
    }
}

/// A proposal to open.
public struct NewProposal: Sendable {
    public let summary: String
    /// JSON text.
    public let payload: String

    public init(summary: String, payload: String) {
        self.summary = summary
        self.payload = payload
    }
}
