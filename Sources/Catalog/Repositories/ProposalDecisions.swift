import Foundation
import Logging
import PostgresNIO
import Schema

/// Approving and rejecting schema proposals: the DDL and the back-fill of every document run in
/// one transaction, so a collection is never half converted.
public struct ProposalDecisions: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// What approving a proposal does, worked out (by the caller) from the proposal, the admin's
    /// edits and the collection as it is under the lock.
    public struct Plan: Sendable {
        public enum Backfill: Sendable {
            case none
            /// Every document of the collection into the new typed table.
            case allDocuments
            /// Rows with a value in `extra` are written again (a new column).
            case overflowRows
            /// Every row is written again from its document (a widened type: values the old
            /// type held may now be exact, and values the cast would round go to `extra`).
            case allRows
        }

        public let storage: CollectionStorage
        public let layout: TableLayout?
        /// Run in order, exactly as shown in the proposal (after the admin's edits).
        public let statements: [String]
        public let backfill: Backfill
        /// The staging table goes once its documents are in the typed table.
        public let dropsJSONBTable: Bool

        public init(
            storage: CollectionStorage, layout: TableLayout?, statements: [String], backfill: Backfill,
            dropsJSONBTable: Bool
        ) {
            self.storage = storage
            self.layout = layout
            self.statements = statements
            self.backfill = backfill
            self.dropsJSONBTable = dropsJSONBTable
        }
    }

    /// Rows encoded for a typed table (`asset_id` holds the asset's id).
    public struct EncodedRows: Sendable {
        public let rows: String
        public let castFailures: Int

        public init(rows: String, castFailures: Int) {
            self.rows = rows
            self.castFailures = castFailures
        }
    }

    public struct Applied: Sendable {
        public let collection: CollectionRecord
        public let version: Int
        public let statements: [String]
        public let documents: Int
        public let castFailures: Int
    }

    public enum Refusal: Error, CustomStringConvertible {
        case notFound
        case notOpen(ProposalState)

        public var description: String {
            switch self {
            case .notFound: return "no such proposal"
            case .notOpen(let state): return "the proposal is \(state.rawValue), not open"
            }
        }
    }

    /// Documents per back-fill statement, and their bytes: both bound what one statement binds.
    static let chunk = 2_000
    static let chunkBytes = 32 << 20

    public func approve(
        _ proposalID: UUID, actor: String,
        plan makePlan: @Sendable (CollectionRecord, ProposalRecord) async throws -> Plan,
        encode: @Sendable (TableLayout, [SourceDocument]) async throws -> EncodedRows
    ) async throws -> Applied {
        try await client.transaction(logger: logger) { connection in
            let (proposal, collection) = try await lock(proposalID, on: connection)
            let plan = try await makePlan(collection, proposal)
            // First, so an index of the new table can never meet a name the staging table holds;
            // the back-fill reads the documents as they were sent, not this table.
            if plan.dropsJSONBTable {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "DROP TABLE docs.\(SQL.quoted(collection.jsonbTable))"), logger: logger)
            }
            for statement in plan.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            var documents = 0
            var castFailures = 0
            if let layout = plan.layout, plan.backfill != .none {
                let isInsert = plan.backfill == .allDocuments
                var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                while true {
                    let sources = try await self.sources(
                        collection, layout: layout, overflowOnly: plan.backfill == .overflowRows, after: after,
                        on: connection)
                    guard let last = sources.last else { break }
                    after = last.assetID
                    let encoded = try await encode(layout, sources)
                    try await write(encoded, layout: layout, insert: isInsert, on: connection)
                    documents += sources.count
                    castFailures += encoded.castFailures
                }
            }
            let version = collection.schemaVersion + 1
            let layoutText = try plan.layout.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            let statementsText = JSONValue.array(plan.statements.map(JSONValue.string)).jsonText
            try await connection.query(
                """
                UPDATE collections SET storage = \(plan.storage.rawValue), layout = \(layoutText)::jsonb,
                    schema_version = \(version), provisional = false, updated_at = now()
                WHERE id = \(collection.id)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO schema_versions (collection_id, version, storage, layout, statements, proposal_id, actor)
                VALUES (\(collection.id), \(version), \(plan.storage.rawValue), \(layoutText)::jsonb,
                        \(statementsText)::jsonb, \(proposalID), \(actor))
                """, logger: logger)
            let result: JSONValue = [
                "version": .number(Double(version)), "storage": .string(plan.storage.rawValue),
                "statements": .array(plan.statements.map(JSONValue.string)),
                "documents_backfilled": .number(Double(documents)), "values_not_cast": .number(Double(castFailures)),
            ]
            try await decide(proposalID, state: .approved, result: result, actor: actor, on: connection)
            try await LineageLog.append(
                NewLineageEvent(actor: actor, action: "collection.schema_changed", detail: result),
                to: .other(.collection, key: collection.id.uuidString.lowercased()), on: connection, logger: logger)
            let updated = CollectionRecord(
                id: collection.id, owner: collection.owner, name: collection.name, tableName: collection.tableName,
                storage: plan.storage, contract: collection.contract, provisional: false, schemaVersion: version,
                layout: plan.layout, signature: collection.signature, createdAt: collection.createdAt)
            return Applied(
                collection: updated, version: version, statements: plan.statements, documents: documents,
                castFailures: castFailures)
        }
    }

    /// Rejecting keeps the collection as it is stored; a staged collection is then kept as JSONB
    /// (its staging table is the JSONB form), with the indexes `statements` create.
    public func reject(
        _ proposalID: UUID, actor: String, jsonbStatements: @Sendable (CollectionRecord, ProposalRecord) -> [String]
    )
        async throws -> CollectionRecord
    {
        try await client.transaction(logger: logger) { connection in
            let (proposal, collection) = try await lock(proposalID, on: connection)
            var storage = collection.storage
            var version = collection.schemaVersion
            if collection.storage == .staging {
                let statements = jsonbStatements(collection, proposal)
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                storage = .jsonb
                version += 1
                try await connection.query(
                    """
                    UPDATE collections SET storage = 'jsonb', schema_version = \(version), provisional = false,
                        updated_at = now()
                    WHERE id = \(collection.id)
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO schema_versions (collection_id, version, storage, layout, statements, proposal_id, actor)
                    VALUES (\(collection.id), \(version), 'jsonb', NULL,
                            \(JSONValue.array(statements.map(JSONValue.string)).jsonText)::jsonb, \(proposalID), \(actor))
                    """, logger: logger)
            }
            let result: JSONValue = ["storage": .string(storage.rawValue), "version": .number(Double(version))]
            try await decide(proposalID, state: .rejected, result: result, actor: actor, on: connection)
            return CollectionRecord(
                id: collection.id, owner: collection.owner, name: collection.name, tableName: collection.tableName,
                storage: storage, contract: collection.contract, provisional: false, schemaVersion: version,
                layout: collection.layout, signature: collection.signature, createdAt: collection.createdAt)
        }
    }

    /// The proposal (open) and its collection, both locked, the collection first (`FOR UPDATE`:
    /// it waits for ingests in flight and holds new ones back), in the order a review takes them,
    /// so an approval and a review never deadlock.
    private func lock(
        _ proposalID: UUID, on connection: PostgresConnection
    ) async throws
        -> (ProposalRecord, CollectionRecord)
    {
        let owners = try await connection.query(
            "SELECT collection_id FROM proposals WHERE id = \(proposalID)", logger: logger)
        var found: UUID??
        for try await collectionID in owners.decode(UUID?.self) { found = .some(collectionID) }
        guard let found else { throw Refusal.notFound }
        guard let collectionID = found else { throw Refusal.notFound }
        let collections = try await connection.query(
            "SELECT \(unescaped: CollectionRepository.columns) FROM collections c WHERE c.id = \(collectionID) FOR UPDATE",
            logger: logger)
        guard let collection = try await CollectionRepository(client: client, logger: logger).records(collections).first
        else { throw Refusal.notFound }
        let rows = try await connection.query(
            "SELECT \(unescaped: ProposalRepository.columns) FROM proposals WHERE id = \(proposalID) FOR UPDATE",
            logger: logger)
        guard let proposal = try await ProposalRepository(client: client, logger: logger).records(rows).first else {
            throw Refusal.notFound
        }
        guard proposal.state == .open else { throw Refusal.notOpen(proposal.state) }
        return (proposal, collection)
    }

    private func decide(
        _ proposalID: UUID, state: ProposalState, result: JSONValue, actor: String, on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE proposals SET state = \(state.rawValue), result = \(result.jsonText)::jsonb, decided_at = now(),
                decided_by = \(actor)
            WHERE id = \(proposalID)
            """, logger: logger)
        try await LineageLog.append(
            NewLineageEvent(actor: actor, action: "proposal.\(state.rawValue)", detail: result),
            to: .other(.proposal, key: proposalID.uuidString.lowercased()), on: connection, logger: logger)
    }

    /// The next documents of the collection by asset id, as sent: all of them, or those whose
    /// typed row holds something in `extra`.
    private func sources(
        _ collection: CollectionRecord, layout: TableLayout, overflowOnly: Bool, after: UUID,
        on connection: PostgresConnection
    ) async throws -> [SourceDocument] {
        let filter =
            overflowOnly
            ? "AND d.asset_id IN (SELECT \(SQL.quoted(TableLayout.assetIDColumn)) FROM docs.\(SQL.quoted(collection.tableName)) WHERE \(SQL.quoted(TableLayout.extraColumn)) IS NOT NULL)"
            : ""
        var bindings = PostgresBindings()
        bindings.append(collection.id)
        bindings.append(after)
        bindings.append(Self.chunk)
        bindings.append(Self.chunkBytes)
        // The next documents by id, as many as fit in `chunkBytes` (at least one).
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT asset_id, storage_key, content FROM (
                        SELECT d.asset_id, a.storage_key, b.content,
                               sum(a.size) OVER (ORDER BY d.asset_id) - a.size AS before
                        FROM collection_documents d
                        JOIN assets a ON a.id = d.asset_id
                        LEFT JOIN inline_blobs b ON b.sha256 = a.sha256 AND a.storage_key LIKE 'inline/%'
                        WHERE d.collection_id = $1 AND d.asset_id > $2 \(filter)
                        ORDER BY d.asset_id LIMIT $3
                    ) next WHERE before = 0 OR before < $4
                    ORDER BY asset_id
                    """, binds: bindings), logger: logger)
        var sources: [SourceDocument] = []
        for try await (id, key, content) in rows.decode((UUID, String, ByteBuffer?).self) {
            sources.append(
                SourceDocument(assetID: id, storageKey: key, inlineContent: content.map { Array($0.readableBytesView) })
            )
        }
        return sources
    }

    private func write(
        _ encoded: EncodedRows, layout: TableLayout, insert: Bool, on connection: PostgresConnection
    ) async throws {
        let columns = RecordsetColumns(layout.columns)
        let table = "docs.\(SQL.quoted(layout.table))"
        let id = SQL.quoted(TableLayout.assetIDColumn)
        let statement =
            insert
            ? """
            INSERT INTO \(table) (\(id), \(columns.target))
            SELECT x.\(id), \(columns.selected(from: "x")) FROM jsonb_to_recordset($1::jsonb) AS x(\(columns.definitions(assetID: "uuid")))
            """
            : """
            UPDATE \(table) AS t SET (\(columns.target)) = (\(columns.selected(from: "x")))
            FROM jsonb_to_recordset($1::jsonb) AS x(\(columns.definitions(assetID: "uuid")))
            WHERE t.\(id) = x.\(id)
            """
        var bindings = PostgresBindings()
        bindings.append(encoded.rows)
        try await connection.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger)
    }
}
