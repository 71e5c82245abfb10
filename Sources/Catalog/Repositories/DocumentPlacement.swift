import Foundation
import Logging
import PostgresNIO
import Schema

/// The JSON documents of one ingest request, encoded for their collections' tables and written
/// by the ingest's own transaction: a document is kept, recorded and queryable in one commit.
public struct DocumentPlacement: Sendable {
    public struct Group: Sendable {
        public let collectionID: UUID
        /// The form the rows were encoded for. Should the collection have changed since (an
        /// approval in between), the write is refused with `PlacementOutdated` and re-planned.
        public let storage: CollectionStorage
        public let schemaVersion: Int
        /// The table written: the typed table, or the JSONB one (staging or kept as JSONB).
        public let table: String
        /// The typed table's columns; empty for the JSONB table (`asset_id`, `doc`).
        public let columns: [TableLayout.Column]
        /// One JSON object per distinct document for `jsonb_to_recordset`. Its `asset_id` holds
        /// the document's SHA-256 (hex): the asset's id is found by it in the same statement,
        /// so rows can be encoded before the assets are recorded.
        public let rows: String

        public init(
            collectionID: UUID, storage: CollectionStorage, schemaVersion: Int, table: String,
            columns: [TableLayout.Column], rows: String
        ) {
            self.collectionID = collectionID
            self.storage = storage
            self.schemaVersion = schemaVersion
            self.table = table
            self.columns = columns
            self.rows = rows
        }
    }

    public let groups: [Group]
    /// The encoded statistics of the documents of group `index` that were placed now, given
    /// their SHA-256s: all of the group's unless some were placed before (repeats).
    public let statistics: @Sendable (_ index: Int, _ placed: Set<String>) async throws -> String
    /// How long after a batch its collection's review (statistics, proposals) runs: a burst of
    /// batches is reviewed together.
    public let reviewDelay: Duration
    /// Each placed document's number of top-level keys, by SHA-256: what its verification
    /// records when the ingest settles it (`InitialStage`).
    public let memberCounts: [String: Int]

    public init(
        groups: [Group], reviewDelay: Duration, memberCounts: [String: Int],
        statistics: @escaping @Sendable (_ index: Int, _ placed: Set<String>) async throws -> String
    ) {
        self.groups = groups
        self.reviewDelay = reviewDelay
        self.memberCounts = memberCounts
        self.statistics = statistics
    }

    /// The key of a collection's review task; one waits at a time.
    public static func reviewKey(_ collectionID: UUID) -> String {
        "schema-review:\(collectionID.uuidString.lowercased())"
    }
    public static let reviewKind = "schema.review"
}

/// A collection changed between the encoding of a request's rows and their write.
public struct PlacementOutdated: Error, CustomStringConvertible {
    public let collectionID: UUID
    public var description: String { "collection \(collectionID) changed while documents were placed in it" }
}

extension DocumentPlacement {
    /// Runs inside the ingest's transaction, after the assets are inserted. Locks are taken in
    /// collection-id order, `FOR KEY SHARE`: ingests into one collection never wait for each
    /// other, only for an approval (`FOR UPDATE`) that changes the table under them.
    func write(owner: String, on connection: PostgresConnection, logger: Logger) async throws {
        let ids = Array(Set(groups.map(\.collectionID))).sorted { $0.uuidString < $1.uuidString }
        let rows = try await connection.query(
            """
            SELECT id, storage, schema_version FROM collections WHERE id = ANY(\(ids))
            ORDER BY id FOR KEY SHARE
            """, logger: logger)
        var current: [UUID: (String, Int)] = [:]
        for try await (id, storage, version) in rows.decode((UUID, String, Int).self) {
            current[id] = (storage, version)
        }
        for group in groups {
            guard let (storage, version) = current[group.collectionID], storage == group.storage.rawValue,
                version == group.schemaVersion
            else { throw PlacementOutdated(collectionID: group.collectionID) }
        }
        for (index, group) in groups.enumerated() {
            let placed = try await insert(group, owner: owner, on: connection, logger: logger)
            guard !placed.isEmpty else { continue }
            let statistics = try await statistics(index, placed)
            try await connection.query(
                """
                INSERT INTO collection_statistics_pending (collection_id, documents, statistics)
                VALUES (\(group.collectionID), \(placed.count), \(statistics)::jsonb)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO jobs (task_key, stage, payload, state, run_after, max_attempts)
                VALUES (\(Self.reviewKey(group.collectionID)), \(Self.reviewKind),
                        jsonb_build_object('collection', \(group.collectionID.uuidString.lowercased())::text), 'queued',
                        now() + \(reviewDelay.seconds) * interval '1 second', 5)
                ON CONFLICT (task_key) WHERE state = 'queued' DO NOTHING
                """, logger: logger)
        }
    }

    /// The group's documents not placed before: their collection, then their row. Returns the
    /// SHA-256s placed.
    private func insert(
        _ group: Group, owner: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<String> {
        let columns = RecordsetColumns(group.columns)
        // Identifiers are sanitised and quoted, types come from `ColumnType`; values are bound.
        // The asset's id is named with a space, which no sanitised column name has. Each
        // document finds its asset through the unique (owner, sha256) index, one probe each:
        // `OFFSET 0` keeps the planner from flattening the look-up into a join, which it
        // planned as a hash of all the owner's assets whenever the statistics were behind
        // (a young or fast-growing catalog), once per request.
        let statement = """
            WITH input AS (
                SELECT a.id AS "asset id", x.* FROM jsonb_to_recordset($1::jsonb) AS x(\(columns.definitions(assetID: "text")))
                CROSS JOIN LATERAL (
                    SELECT id FROM assets WHERE owner = $2 AND sha256 = decode(x.asset_id, 'hex') OFFSET 0
                ) a
            ), placed AS (
                INSERT INTO collection_documents (asset_id, collection_id)
                SELECT input."asset id", $3 FROM input ORDER BY input."asset id"
                ON CONFLICT (asset_id) DO NOTHING
                RETURNING asset_id
            ), written AS (
                INSERT INTO docs.\(SQL.quoted(group.table)) (\(SQL.quoted(TableLayout.assetIDColumn)), \(columns.target))
                SELECT input."asset id", \(columns.selected(from: "input"))
                FROM input JOIN placed ON placed.asset_id = input."asset id"
            )
            SELECT input.asset_id FROM input JOIN placed ON placed.asset_id = input."asset id"
            """
        var bindings = PostgresBindings()
        bindings.append(group.rows)
        bindings.append(owner)
        bindings.append(group.collectionID)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger)
        var placed = Set<String>()
        for try await sha256 in rows.decode(String.self) { placed.insert(sha256) }
        return placed
    }
}
