import Catalog
import Foundation
import Jobs
import Logging
import Schema

/// A collection's review, run as a keyed task a moment after documents arrive (one waits per
/// collection, so a burst of batches is reviewed once): the batches' statistics are merged into
/// the collection's, the storage decision is made again over every document so far, and a
/// proposal is opened when it asks for something new. Under the `evolve` contract, a proposal
/// that only adds columns is applied at once.
public struct SchemaReviewTask: TaskHandler {
    let catalog: CatalogDatabase
    let compute: ComputePool
    let settings: DocumentSettings
    let approvals: ProposalApprovals

    public init(
        catalog: CatalogDatabase, compute: ComputePool, settings: DocumentSettings, approvals: ProposalApprovals
    ) {
        self.catalog = catalog
        self.compute = compute
        self.settings = settings
        self.approvals = approvals
    }

    public var kind: String { DocumentPlacement.reviewKind }

    public func run(key: String, payload: JSONValue) async throws -> JSONValue {
        guard case .object(let fields) = payload, case .string(let text) = fields["collection"],
            let collectionID = UUID(uuidString: text)
        else { throw UnprocessableContent("a schema review names no collection") }
        let thresholds = settings.thresholds
        let compute = compute
        let outcome = try await catalog.collectionReviews.review(collectionID, actor: "task:\(kind)") { input in
            let statistics = try await compute.run {
                var statistics =
                    try input.statistics.map { try CollectionStatistics(decoding: Array($0.utf8)) }
                    ?? CollectionStatistics()
                for batch in input.pending {
                    statistics.merge(try CollectionStatistics(decoding: Array(batch.utf8)), thresholds: thresholds)
                }
                return statistics
            }
            let current = input.collection.storage == .typed ? input.collection.layout : nil
            let decision = StorageDecider.decide(
                statistics, table: input.collection.tableName, current: current, thresholds: thresholds)
            let proposal = Self.proposal(for: input.collection, decision: decision, statistics: statistics)
            let encoded = try await compute.run { String(decoding: statistics.encoded(), as: UTF8.self) }
            return CollectionReviews.Outcome(
                statistics: encoded, decision: String(decoding: try JSONEncoder.sorted.encode(decision), as: UTF8.self),
                signature: Self.signature(of: statistics) ?? input.collection.signature,
                proposal: proposal.map { NewProposal(summary: $0.summary, payload: $0.jsonText) })
        }
        var detail: [String: JSONValue] = ["reviewed": .bool(outcome.reviewed)]
        // A batch committed while this review ran found this task already claimed, not queued:
        // its wake-up would be lost, so the review queues itself again.
        if try await catalog.collections.hasPendingStatistics(collectionID) {
            try await catalog.jobs.enqueue(
                TaskRequest(kind: kind, key: key, payload: payload, timing: .after(settings.reviewDelay)),
                actor: "task:\(kind)")
        }
        if let proposalID = outcome.proposal {
            detail["proposal"] = .string(proposalID.uuidString.lowercased())
            if let collection = try await catalog.collections.collection(id: collectionID),
                collection.contract == .evolve, collection.storage == .typed,
                let open = try await catalog.proposals.proposal(proposalID), open.state == .open,
                let payload = try? SchemaProposal.decoded(open.payload), payload.kind == .evolution,
                payload.changes.allSatisfy({ if case .addColumn = $0 { true } else { false } })
            {
                _ = try await approvals.approve(proposalID, edits: ProposalEdits(), actor: "contract:evolve")
                detail["applied"] = .bool(true)
            }
        }
        return .object(detail)
    }

    /// What the decision asks of the collection as it is stored, if anything.
    static func proposal(
        for collection: CollectionRecord, decision: StorageDecision, statistics: CollectionStatistics
    ) -> SchemaProposal? {
        switch collection.storage {
        case .staging:
            let layout =
                decision.mode == .typed ? TableLayout(table: collection.tableName, columns: decision.columns) : nil
            return SchemaProposal(
                kind: .storage, baseVersion: collection.schemaVersion, decision: decision, layout: layout, changes: [],
                statements: layout.map { DDLWriter.createTable($0) }
                    ?? DDLWriter.jsonbIndexes(table: collection.jsonbTable, indexedPaths: decision.indexedPaths),
                rowsTouched: nil, rewritesTable: false)
        case .typed:
            guard let current = collection.layout else { return nil }
            let changes = DDLWriter.proposedChanges(current: current, decision: decision)
            guard !changes.isEmpty else { return nil }
            let target = ProposalEdits.apply(changes, to: current)
            let (statements, rewrites) = DDLWriter.statements(from: current, to: target)
            // The rows the approval rewrites are those holding a value for a changed column: the
            // statistics count them (exactly for one change, at most that for several), where a
            // count over `extra` would scan the table, millions of rows, at every review.
            let changed = Set(changes.map(\.column))
            let paths = statistics.paths
            let holding = target.columns.filter { changed.contains($0.name) }.reduce(0) {
                $0 + (paths[$1.path]?.present ?? 0)
            }
            let touched = min(holding, statistics.documentCount)
            return SchemaProposal(
                kind: .evolution, baseVersion: collection.schemaVersion, decision: decision, layout: target,
                changes: changes, statements: statements, rowsTouched: touched, rewritesTable: rewrites)
        case .jsonb:
            return nil
        }
    }

    /// Each top-level key's share of documents, the most common first (at most 2,000), for
    /// matching new documents to the collection.
    static func signature(of statistics: CollectionStatistics) -> [String: Double]? {
        guard statistics.documentCount > 0 else { return nil }
        let total = Double(statistics.documentCount)
        let shares = statistics.paths.compactMap { path, stats -> (String, Double)? in
            path.count == 1 ? (path[0], Double(stats.present) / total) : nil
        }
        return Dictionary(shares.sorted { $0.1 > $1.1 }.prefix(2_000).map { $0 }) { a, _ in a }
    }
}
