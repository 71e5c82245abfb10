import Catalog
import Foundation
import Jobs
import NIOCore
import Schema
import Storage

/// Approving or rejecting a schema proposal. Approval runs the DDL shown (after the admin's
/// edits) and writes every affected document into the typed table, in one transaction; a value
/// that does not cast stays in `extra` with a note in `cast_notes`, and the result says how many.
public struct ProposalApprovals: Sendable {
    let catalog: CatalogDatabase
    let compute: ComputePool
    let store: any BlobStore
    let settings: DocumentSettings

    public init(catalog: CatalogDatabase, compute: ComputePool, store: any BlobStore, settings: DocumentSettings) {
        self.catalog = catalog
        self.compute = compute
        self.store = store
        self.settings = settings
    }

    /// The proposal was made for another version of its collection's schema.
    public struct Outdated: Error, CustomStringConvertible {
        public var description: String {
            "the collection's schema changed since this proposal was made; a new review will propose again"
        }
    }

    public func approve(_ id: UUID, edits: ProposalEdits, actor: String) async throws -> ProposalDecisions.Applied {
        let compute = compute
        let store = store
        let maximumDepth = settings.maximumDepth
        return try await catalog.proposalDecisions.approve(
            id, actor: actor,
            plan: { collection, proposal in try Self.plan(collection, proposal, edits: edits) },
            encode: { layout, sources in
                var documents: [(UUID, [UInt8])] = []
                for source in sources {
                    if let content = source.inlineContent {
                        documents.append((source.assetID, content))
                    } else if let key = BlobKey(source.storageKey) {
                        let bytes = try await store.readAll(key, limit: Int.max)
                        documents.append((source.assetID, Array(bytes.readableBytesView)))
                    }
                }
                let loaded = documents
                return try await compute.run {
                    let encoder = RowEncoder(layout: layout)
                    var output: [UInt8] = [UInt8(ascii: "[")]
                    var castFailures = 0
                    for (position, (assetID, bytes)) in loaded.enumerated() {
                        if position > 0 { output.append(UInt8(ascii: ",")) }
                        let node = try JSONParser.parse(bytes, maximumDepth: maximumDepth)
                        let outcome = encoder.appendRecord(
                            assetID: assetID.uuidString.lowercased(), document: node, to: &output)
                        castFailures += outcome.castFailureCount
                    }
                    output.append(UInt8(ascii: "]"))
                    return ProposalDecisions.EncodedRows(
                        rows: String(decoding: output, as: UTF8.self), castFailures: castFailures)
                }
            })
    }

    public func reject(_ id: UUID, actor: String) async throws -> CollectionRecord {
        try await catalog.proposalDecisions.reject(id, actor: actor) { collection, proposal in
            // Kept as JSONB: its frequent paths get expression indexes and statistics. A proposal
            // for a typed table names no such paths; its scalar columns are the frequent ones.
            let payload = try? SchemaProposal.decoded(proposal.payload)
            var paths = payload?.decision.indexedPaths ?? []
            if paths.isEmpty, let layout = payload?.layout {
                paths = layout.columns.filter { !$0.type.rawValue.hasSuffix("[]") && $0.type != .jsonb }
                    .prefix(StorageDecider.maximumIndexedPaths).map(\.path)
            }
            return DDLWriter.jsonbIndexes(table: collection.jsonbTable, indexedPaths: paths)
        }
    }

    static func plan(
        _ collection: CollectionRecord, _ proposal: ProposalRecord, edits: ProposalEdits
    ) throws
        -> ProposalDecisions.Plan
    {
        let payload = try SchemaProposal.decoded(proposal.payload)
        guard payload.baseVersion == collection.schemaVersion else { throw Outdated() }
        switch payload.kind {
        case .storage:
            guard let layout = payload.layout else {
                guard edits.isEmpty else {
                    throw ProposalEdits.Invalid(description: "a proposal to keep JSONB has no columns to edit")
                }
                return ProposalDecisions.Plan(
                    storage: .jsonb, layout: nil, statements: payload.statements, backfill: .none,
                    dropsJSONBTable: false)
            }
            let edited = try edits.applied(to: layout)
            return ProposalDecisions.Plan(
                storage: .typed, layout: edited, statements: DDLWriter.createTable(edited), backfill: .allDocuments,
                dropsJSONBTable: true)
        case .evolution:
            guard let current = collection.layout, let target = payload.layout else { throw Outdated() }
            let edited = try edits.applied(to: target, fixed: Set(current.columns.map(\.name)))
            let (statements, rewrites) = DDLWriter.statements(from: current, to: edited)
            return ProposalDecisions.Plan(
                storage: .typed, layout: edited, statements: statements, backfill: rewrites ? .allRows : .overflowRows,
                dropsJSONBTable: false)
        }
    }
}
