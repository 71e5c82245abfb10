import Foundation
import Logging
import PostgresNIO
import Schema

/// JSON collections: their rows, their JSONB tables, contracts and statistics.
public struct CollectionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        c.id, c.owner, c.name, c.table_name, c.storage, c.contract, c.provisional, c.schema_version,
        c.layout::text, c.signature::text, c.created_at
        """
    /// `columns`, or with every signature read as empty (see `collection(owner:name:signatures:)`).
    static func columns(signatures: Bool) -> String {
        signatures ? columns : columnsWithoutSignature
    }
    private static let columnsWithoutSignature = columns.replacingOccurrences(
        of: "c.signature::text", with: "'{}'::text")

    /// The owner's collections, oldest first. `signatures: false` leaves each signature empty
    /// (see `collection(owner:name:signatures:)`): for a request that names its collection.
    /// Every document request reads them: the statement is prepared (`OwnerCollections`).
    public func collections(of owner: String, signatures: Bool = true) async throws -> [CollectionRecord] {
        try await records(client.execute(OwnerCollections(owner: owner, signatures: signatures), logger: logger))
    }

    /// The owner's collection of that name. `signatures: false` leaves its signature empty: the
    /// signature holds a share for each of up to 2,000 keys and only places documents, so the
    /// API's reads (a records page on every request) skip it. Never write such a record back.
    public func collection(owner: String, name: String, signatures: Bool = true) async throws -> CollectionRecord? {
        try await records(
            client.query(
                """
                SELECT \(unescaped: Self.columns(signatures: signatures)) FROM collections c
                WHERE c.owner = \(owner) AND c.name = \(name)
                """, logger: logger)
        ).first
    }

    public func collection(id: UUID) async throws -> CollectionRecord? {
        try await records(
            client.query("SELECT \(unescaped: Self.columns) FROM collections c WHERE c.id = \(id)", logger: logger)
        ).first
    }

    /// Every collection (of one owner, or all for an admin) with its document count.
    public func list(owner: String?) async throws -> [(collection: CollectionRecord, documents: Int)] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns),
                   (SELECT count(*) FROM collection_documents d WHERE d.collection_id = c.id)
            FROM collections c WHERE \(owner)::text IS NULL OR c.owner = \(owner)
            ORDER BY c.owner, c.name
            """, logger: logger)
        var result: [(CollectionRecord, Int)] = []
        for try await row in rows {
            let count = try row.decode(
                (UUID, String, String, String, String, String, Bool, Int, String?, String, Date, Int).self
            ).11
            result.append((try Self.record(row), count))
        }
        return result
    }

    public func documentCount(_ id: UUID) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*) FROM collection_documents WHERE collection_id = \(id)", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Creates the collection and its JSONB table, or returns the one that already has the name
    /// (two requests may create the same provisional collection at once).
    public func create(
        owner: String, name: String, tableBase: String, provisional: Bool, contract: SchemaContract,
        signature: [String: Double], actor: String
    ) async throws -> CollectionRecord {
        if let existing = try await collection(owner: owner, name: name) { return existing }
        let id = UUID()
        // The name's lock, then a look: of two requests creating one name, the second finds it.
        try await client.retryingConflicts(logger: logger) {
            try await client.transaction(logger: logger) { connection in
                try await LineageLog.lock(.other(.collection, key: "\(owner)/\(name)"), on: connection, logger: logger)
                let taken = try await connection.query(
                    "SELECT 1 FROM collections WHERE owner = \(owner) AND name = \(name)", logger: logger)
                for try await _ in taken { return }
                // Table names are unique across owners: two owners' first `data.json` at once
                // would otherwise both pick `data`.
                try await LineageLog.lock(
                    .other(.collection, key: "table:\(tableBase)"), on: connection, logger: logger)
                let table = try await Self.freeTableName(tableBase, on: connection, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO collections (id, owner, name, table_name, storage, contract, provisional, signature)
                    VALUES (\(id), \(owner), \(name), \(table), 'staging', \(contract.rawValue), \(provisional),
                            \(JSONValue.object(signature.mapValues(JSONValue.number)).jsonText)::jsonb)
                    """, logger: logger)
                for statement in DDLWriter.createJSONBTable(table: CollectionRecord.jsonbTable(table), indexedPaths: [])
                {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await LineageLog.append(
                    NewLineageEvent(
                        actor: actor, action: "collection.created",
                        detail: [
                            "name": .string(name), "owner": .string(owner), "table": .string(table),
                            "provisional": .bool(provisional), "contract": .string(contract.rawValue),
                        ]),
                    to: .other(.collection, key: id.uuidString.lowercased()), on: connection, logger: logger)
            }
        }
        guard let record = try await collection(owner: owner, name: name) else {
            throw UnknownValue(column: "collections", value: "\(owner)/\(name) vanished after its creation")
        }
        return record
    }

    /// The base itself, or with `_2`, `_3`… when another collection (another owner's) has it.
    static func freeTableName(_ base: String, on connection: PostgresConnection, logger: Logger) async throws -> String
    {
        var candidate = base
        var suffix = 1
        while true {
            let rows = try await connection.query(
                "SELECT 1 FROM collections WHERE table_name = \(candidate)", logger: logger)
            var taken = false
            for try await _ in rows { taken = true }
            if !taken { return candidate }
            suffix += 1
            candidate = "\(base)_\(suffix)"
        }
    }

    public func setContract(_ id: UUID, to contract: SchemaContract, actor: String) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE collections SET contract = \(contract.rawValue), updated_at = now() WHERE id = \(id)",
                logger: logger)
            try await LineageLog.append(
                NewLineageEvent(
                    actor: actor, action: "collection.contract", detail: ["contract": .string(contract.rawValue)]),
                to: .other(.collection, key: id.uuidString.lowercased()), on: connection, logger: logger)
        }
    }

    /// Drops `NOT NULL` from columns a new document has no value for, as a new schema version.
    /// Nothing happens if the schema moved on since `expectedVersion`, or if the contract is now
    /// `freeze` (a frozen collection refuses such a document instead): the caller's write is
    /// then refused as outdated and planned again.
    public func dropNotNull(_ id: UUID, columns: [String], expectedVersion: Int, actor: String) async throws {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM collections c WHERE c.id = \(id) FOR UPDATE", logger: logger)
            guard let collection = try await records(rows).first, collection.schemaVersion == expectedVersion,
                collection.contract != .freeze, var layout = collection.layout
            else { return }
            let statements = columns.map {
                "ALTER TABLE docs.\(SQL.quoted(collection.tableName)) ALTER COLUMN \(SQL.quoted($0)) DROP NOT NULL"
            }
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            for index in layout.columns.indices where columns.contains(layout.columns[index].name) {
                layout.columns[index].notNull = false
            }
            let version = expectedVersion + 1
            let layoutText = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
            let statementsText = JSONValue.array(statements.map(JSONValue.string)).jsonText
            try await connection.query(
                """
                UPDATE collections SET layout = \(layoutText)::jsonb, schema_version = \(version), updated_at = now()
                WHERE id = \(id)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO schema_versions (collection_id, version, storage, layout, statements, proposal_id, actor)
                VALUES (\(id), \(version), 'typed', \(layoutText)::jsonb, \(statementsText)::jsonb, NULL, \(actor))
                """, logger: logger)
            try await LineageLog.append(
                NewLineageEvent(
                    actor: actor, action: "collection.not_null_dropped",
                    detail: [
                        "version": .number(Double(version)), "columns": .array(columns.map(JSONValue.string)),
                        "reason": "a document had no value for them",
                    ]),
                to: .other(.collection, key: id.uuidString.lowercased()), on: connection, logger: logger)
        }
    }

    /// Whether batches wait to be merged by the collection's review.
    public func hasPendingStatistics(_ id: UUID) async throws -> Bool {
        let rows = try await client.query(
            "SELECT EXISTS (SELECT 1 FROM collection_statistics_pending WHERE collection_id = \(id))", logger: logger)
        for try await pending in rows.decode(Bool.self) { return pending }
        return false
    }

    /// The collection's statistics and latest decision as stored (JSON text), if any yet.
    public func analysis(_ id: UUID) async throws -> (statistics: String?, decision: String?) {
        let rows = try await client.query(
            "SELECT statistics::text, decision::text FROM collections WHERE id = \(id)", logger: logger)
        for try await row in rows.decode((String?, String?).self) { return row }
        return (nil, nil)
    }

    public func versions(_ id: UUID) async throws -> [SchemaVersionRecord] {
        let rows = try await client.query(
            """
            SELECT version, storage, layout::text, statements::text, proposal_id, actor, created_at
            FROM schema_versions WHERE collection_id = \(id) ORDER BY version
            """, logger: logger)
        var versions: [SchemaVersionRecord] = []
        for try await (version, storage, layout, statements, proposal, actor, at) in rows.decode(
            (Int, String, String?, String, UUID?, String, Date).self)
        {
            versions.append(
                SchemaVersionRecord(
                    version: version, storage: try .decoded(storage, column: "schema_versions.storage"),
                    layout: try layout.map { try JSONDecoder().decode(TableLayout.self, from: Data($0.utf8)) },
                    statements: try JSONDecoder().decode([String].self, from: Data(statements.utf8)),
                    proposalID: proposal, actor: actor, createdAt: at))
        }
        return versions
    }

    func records(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> [CollectionRecord] {
        var records: [CollectionRecord] = []
        for try await row in rows { records.append(try Self.record(row)) }
        return records
    }

    static func record(_ row: PostgresRow) throws -> CollectionRecord {
        let columns = try row.decode(
            (UUID, String, String, String, String, String, Bool, Int, String?, String, Date).self)
        var signature: [String: Double] = [:]
        if case .object(let members) = JSONValue.parse(columns.9) {
            for (key, value) in members { if case .number(let share) = value { signature[key] = share } }
        }
        return CollectionRecord(
            id: columns.0, owner: columns.1, name: columns.2, tableName: columns.3,
            storage: try .decoded(columns.4, column: "collections.storage"),
            contract: try .decoded(columns.5, column: "collections.contract"), provisional: columns.6,
            schemaVersion: columns.7,
            layout: try columns.8.map { try JSONDecoder().decode(TableLayout.self, from: Data($0.utf8)) },
            signature: signature, createdAt: columns.10)
    }
}

public struct SchemaVersionRecord: Sendable {
    public let version: Int
    public let storage: CollectionStorage
    public let layout: TableLayout?
    public let statements: [String]
    public let proposalID: UUID?
    public let actor: String
    public let createdAt: Date
}

/// An owner's collections, oldest first (`CollectionRepository.collections(of:signatures:)`), each
/// signature read as empty unless `signatures`: one prepared statement for both.
struct OwnerCollections: HotStatement {
    static let sql = """
        SELECT \(CollectionRepository.columns.replacingOccurrences(
            of: "c.signature::text", with: "CASE WHEN $2 THEN c.signature::text ELSE '{}' END"))
        FROM collections c WHERE c.owner = $1 ORDER BY c.created_at, c.id
        """
    let owner: String
    let signatures: Bool

    func makeBindings() -> PostgresBindings { PostgresBindings(owner, signatures) }
}
