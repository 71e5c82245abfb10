import Foundation
import Logging
import PostgresNIO
import Schema

/// A collection's review: the statistics of the batches placed since the last one are merged
/// into its own, the decision made again, and a proposal opened when it asks for a change.
public struct CollectionReviews: Sendable {
    let client: PostgresClient
    let logger: Logger

    public struct Input: Sendable {
        public let collection: CollectionRecord
        /// The collection's statistics so far (JSON text), nil before the first review.
        public let statistics: String?
        /// Each pending batch's statistics (JSON text), oldest first.
        public let pending: [String]
    }

    public struct Outcome: Sendable {
        public let statistics: String
        public let decision: String
        public let signature: [String: Double]
        public let proposal: NewProposal?

        public init(statistics: String, decision: String, signature: [String: Double], proposal: NewProposal?) {
            self.statistics = statistics
            self.decision = decision
            self.signature = signature
            self.proposal = proposal
        }
    }

    /// Runs `body` on the collection's statistics and pending batches inside one transaction
    /// that holds the collection's row (`FOR NO KEY UPDATE`: ingests go on; an approval waits).
    /// Returns the open proposal's id when the outcome has one; nil when nothing was pending.
    public func review(
        _ collectionID: UUID, actor: String, _ body: @Sendable (Input) async throws -> Outcome
    ) async throws -> (reviewed: Bool, proposal: UUID?) {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: CollectionRepository.columns), c.statistics::text FROM collections c WHERE c.id = \(collectionID) FOR NO KEY UPDATE",
                logger: logger)
            var found: (CollectionRecord, String?)?
            for try await row in rows {
                let statistics = try row.decode(
                    (UUID, String, String, String, String, String, Bool, Int, String?, String, Date, String?).self
                ).11
                found = (try CollectionRepository.record(row), statistics)
            }
            guard let (collection, statistics) = found else { return (false, nil) }
            let pendingRows = try await connection.query(
                """
                DELETE FROM collection_statistics_pending WHERE collection_id = \(collectionID)
                RETURNING id, statistics::text
                """, logger: logger)
            var pending: [(Int, String)] = []
            for try await row in pendingRows.decode((Int, String).self) { pending.append(row) }
            guard !pending.isEmpty else { return (false, nil) }
            pending.sort { $0.0 < $1.0 }
            let outcome = try await body(
                Input(collection: collection, statistics: statistics, pending: pending.map(\.1)))
            try await connection.query(
                """
                UPDATE collections SET statistics = \(outcome.statistics)::jsonb, decision = \(outcome.decision)::jsonb,
                    signature = \(JSONValue.object(outcome.signature.mapValues(JSONValue.number)).jsonText)::jsonb,
                    updated_at = now()
                WHERE id = \(collectionID)
                """, logger: logger)
            guard let proposal = outcome.proposal else { return (true, nil) }
            return (
                true,
                try await ProposalRepository.open(
                    proposal, collection: collection, actor: actor, on: connection, logger: logger)
            )
        }
    }
}
