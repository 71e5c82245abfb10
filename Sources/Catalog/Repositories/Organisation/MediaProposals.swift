import Foundation
import Logging
import PostgresNIO

/// The open media proposals of an owner, kept in step with what the latest pass found.
public struct MediaProposals: Sendable {
    let client: PostgresClient
    let logger: Logger

    public struct Outcome: Sendable, Equatable {
        public var opened: [UUID] = []
        public var kept: [UUID] = []
        public var superseded: [UUID] = []
        /// Found again after an admin rejected (or approved) the same proposal: not reopened.
        public var declined = 0
    }

    /// Makes the owner's open proposals of `kind` exactly `desired`: one the pass found again keeps
    /// its id (an admin may be looking at it) and takes the new wording; one it no longer finds is
    /// superseded; a new one opens, unless an admin rejected the same proposal before.
    public func sync(
        owner: String, kind: ProposalKind, desired: [NewMediaProposal], actor: String
    ) async throws -> Outcome {
        precondition(kind.isMedia && desired.allSatisfy { $0.kind == kind }, "media proposals of one kind")
        return try await client.transaction(logger: logger) { connection in
            // One pass per owner and kind at a time, whatever the number of workers.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\("proposals:\(kind.rawValue):\(owner)"), 0))",
                logger: logger)
            var outcome = Outcome()
            let wanted = Dictionary(desired.map { ($0.digest, $0) }) { first, _ in first }
            // Locked, so an admin's decision on one of them is either before this (and it is no
            // longer open here) or after (and it finds the state this leaves).
            let open = try await connection.query(
                """
                SELECT id, content_digest FROM proposals
                WHERE owner = \(owner) AND kind = \(kind.rawValue) AND state = 'open'
                ORDER BY id FOR UPDATE
                """, logger: logger)
            var openDigests: Set<String> = []
            var stale: [UUID] = []
            for try await (id, digest) in open.decode((UUID, String?).self) {
                if let digest, let proposal = wanted[digest] {
                    openDigests.insert(digest)
                    outcome.kept.append(id)
                    try await connection.query(
                        """
                        UPDATE proposals SET summary = \(proposal.summary), payload = \(proposal.payload)::jsonb
                        WHERE id = \(id) AND state = 'open'
                        """, logger: logger)
                } else {
                    stale.append(id)
                }
            }
            for id in stale {
                try await connection.query(
                    "UPDATE proposals SET state = 'superseded' WHERE id = \(id) AND state = 'open'", logger: logger)
                try await LineageLog.append(
                    NewLineageEvent(actor: actor, action: "proposal.superseded", detail: [:]),
                    to: .other(.proposal, key: id.uuidString.lowercased()), on: connection, logger: logger)
                outcome.superseded.append(id)
            }
            let fresh = wanted.values.filter { !openDigests.contains($0.digest) }.sorted { $0.digest < $1.digest }
            // Rejected: not reopened unchanged. Approved: what it proposed is done; a pass that read
            // the media before the approval committed must not reopen it.
            let rejected = try await connection.query(
                """
                SELECT content_digest FROM proposals
                WHERE owner = \(owner) AND content_digest = ANY(\(fresh.map(\.digest))::text[])
                  AND state IN ('rejected', 'approved')
                """, logger: logger)
            var declined: Set<String> = []
            for try await digest in rejected.decode(String.self) { declined.insert(digest) }
            for proposal in fresh {
                if declined.contains(proposal.digest) {
                    outcome.declined += 1
                    continue
                }
                let id = UUID.timeOrdered()
                try await connection.query(
                    """
                    INSERT INTO proposals (id, kind, owner, cluster_id, state, summary, payload, content_digest)
                    VALUES (\(id), \(kind.rawValue), \(owner), \(proposal.clusterID), 'open', \(proposal.summary),
                            \(proposal.payload)::jsonb, \(proposal.digest))
                    """, logger: logger)
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "proposal.opened",
                        detail: ["kind": .string(kind.rawValue), "summary": .string(proposal.summary)]),
                    to: .other(.proposal, key: id.uuidString.lowercased()), on: connection, logger: logger)
                outcome.opened.append(id)
            }
            return outcome
        }
    }
}
