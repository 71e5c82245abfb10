import Foundation
import Logging
import PostgresNIO
import Schema

/// The JSON documents of one ingest request, encoded for their collections' tables and written
/// by the ingest's own transaction: a document is kept, recorded and queryable in one commit.
public struct DocumentPlacement: Sendable {
    public struct Group: Sendable {
        public let collectionID: UUID
        /// The form the rows were encoded for, and the contract they were checked against.
        /// Should the collection have changed since (an approval in between, a contract changed,
        /// or a plan made from a stale snapshot), the write is refused with `PlacementOutdated`
        /// and re-planned.
        public let storage: CollectionStorage
        public let schemaVersion: Int
        public let contract: SchemaContract
        /// The table written: the typed table, or the JSONB one (staging or kept as JSONB).
        public let table: String
        /// The typed table's columns; empty for the JSONB table (`asset_id`, `doc`).
        public let columns: [TableLayout.Column]
        /// One JSON object per distinct document for `jsonb_to_recordset`. Its `asset_id` holds
        /// the document's SHA-256 (hex): the asset's id is found by it in the same statement,
        /// so rows can be encoded before the assets are recorded.
        public let rows: String
        /// The SHA-256s of the documents in `rows`: which of them a shared write placed.
        public let documents: Set<String>

        public init(
            collectionID: UUID, storage: CollectionStorage, schemaVersion: Int, contract: SchemaContract, table: String,
            columns: [TableLayout.Column], rows: String, documents: Set<String>
        ) {
            self.collectionID = collectionID
            self.storage = storage
            self.schemaVersion = schemaVersion
            self.contract = contract
            self.table = table
            self.columns = columns
            self.rows = rows
            self.documents = documents
        }
    }

    /// One request's statistics for one of its collections, as `collection_statistics_pending`
    /// will hold them.
    public struct PendingStatistics: Sendable {
        public let statistics: CollectionStatistics
        /// Encoded already (a large request's, on the compute pool), or nil: the write encodes
        /// it, merged with those of the other requests in its transaction for the same
        /// collection, so that a burst of one-document requests is one batch to review, not one
        /// per document. Only small requests leave it nil: that work is bounded.
        public let encoded: String?
        public let thresholds: StorageThresholds

        public init(statistics: CollectionStatistics, encoded: String?, thresholds: StorageThresholds) {
            self.statistics = statistics
            self.encoded = encoded
            self.thresholds = thresholds
        }
    }

    public let groups: [Group]
    /// The statistics of the documents of group `index` that were placed now, given their
    /// SHA-256s: all of the group's unless some were placed before (repeats).
    public let statistics: @Sendable (_ index: Int, _ placed: Set<String>) async throws -> PendingStatistics
    /// How long after a batch its collection's review (statistics, proposals) runs: a burst of
    /// batches is reviewed together.
    public let reviewDelay: Duration
    /// Each placed document's number of top-level keys, by SHA-256: what its verification
    /// records when the ingest settles it (`InitialStage`).
    public let memberCounts: [String: Int]

    public init(
        groups: [Group], reviewDelay: Duration, memberCounts: [String: Int],
        statistics: @escaping @Sendable (_ index: Int, _ placed: Set<String>) async throws -> PendingStatistics
    ) {
        self.groups = groups
        self.reviewDelay = reviewDelay
        self.memberCounts = memberCounts
        self.statistics = statistics
    }

    /// The key of a collection's review task; one waits at a time.
    public static func reviewKey(_ collectionID: UUID) -> String {
        reviewKeyPrefix + collectionID.uuidString.lowercased()
    }
    static let reviewKeyPrefix = "schema-review:"
    public static let reviewKind = "schema.review"
}

/// A collection changed between the encoding of a request's rows and their write.
public struct PlacementOutdated: Error, CustomStringConvertible {
    public let collectionID: UUID
    public var description: String { "collection \(collectionID) changed while documents were placed in it" }
}

extension DocumentPlacement {
    /// Runs inside the ingest's transaction, after the assets are inserted.
    func write(owner: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await Self.write([(owner, self)], on: connection, logger: logger)
    }

    /// The placements of one or more requests (`GroupedIngests` shares a transaction between
    /// concurrent single-document requests), each with its owner: one statement per collection
    /// for all their rows, one for their statistics and one for their reviews, however many
    /// requests there are.
    ///
    /// Locks are taken in collection-id order, `FOR KEY SHARE`: ingests into one collection never
    /// wait for each other, only for an approval (`FOR UPDATE`) that changes the table under them.
    static func write(
        _ placements: [(owner: String, placement: DocumentPlacement)], on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let parts = placements.flatMap { owner, placement in
            placement.groups.enumerated().map { Part(owner: owner, placement: placement, index: $0, group: $1) }
        }
        let ids = Array(Set(parts.map(\.group.collectionID))).sorted { $0.uuidString < $1.uuidString }
        guard !ids.isEmpty else { return }
        var current: [UUID: (String, Int, String)] = [:]
        for try await row in try await connection.execute(LockPlacedCollections(ids: ids), logger: logger) {
            let (id, storage, version, contract) = try row.decode((UUID, String, Int, String).self)
            current[id] = (storage, version, contract)
        }
        for part in parts {
            guard let (storage, version, contract) = current[part.group.collectionID],
                storage == part.group.storage.rawValue, version == part.group.schemaVersion,
                contract == part.group.contract.rawValue
            else { throw PlacementOutdated(collectionID: part.group.collectionID) }
        }
        // A collection is one owner's and, at one schema version, one table and one set of
        // columns: its parts' rows go in together.
        let byCollection = Dictionary(grouping: parts, by: \.group.collectionID)
        var placed: [UUID: Set<String>] = [:]
        for id in ids {
            let together = byCollection[id]!
            placed[id] = try await insert(
                together.map(\.group), owner: together[0].owner, on: connection, logger: logger)
        }
        var batches: [UUID: [(documents: Int, statistics: PendingStatistics)]] = [:]
        for part in parts {
            let placedHere = part.group.documents.intersection(placed[part.group.collectionID] ?? [])
            guard !placedHere.isEmpty else { continue }
            batches[part.group.collectionID, default: []].append(
                (placedHere.count, try await part.placement.statistics(part.index, placedHere)))
        }
        let pending = ids.compactMap { id in
            batches[id].map {
                (
                    collection: id, documents: $0.reduce(0) { $0 + $1.documents },
                    statistics: Self.encoded($0.map(\.statistics))
                )
            }
        }
        guard !pending.isEmpty else { return }
        try await connection.run(
            InsertPendingStatistics(
                collections: pending.map(\.collection), documents: pending.map(\.documents),
                statistics: pending.map(\.statistics)), logger: logger)
        let reviewed = Array(Set(pending.map(\.collection))).sorted { $0.uuidString < $1.uuidString }
        let delay = placements.map(\.placement.reviewDelay).min()!
        try await connection.run(
            QueueCollectionReviews(collections: reviewed.map { $0.uuidString.lowercased() }, delay: delay.seconds),
            logger: logger)
    }

    /// One collection's statistics from the requests of one transaction, as one batch.
    private static func encoded(_ batches: [PendingStatistics]) -> String {
        if batches.count == 1, let encoded = batches[0].encoded { return encoded }
        var merged = batches[0].statistics
        for batch in batches.dropFirst() { merged.merge(batch.statistics, thresholds: batch.thresholds) }
        return String(decoding: merged.encoded(), as: UTF8.self)
    }

    /// One group of one request, written with the other requests' groups of its collection.
    private struct Part {
        let owner: String
        let placement: DocumentPlacement
        let index: Int
        let group: Group
    }

    /// The groups' documents not placed before: their collection, then their row. The groups are
    /// of one collection at one schema version (one table, one set of columns). Returns the
    /// SHA-256s placed.
    private static func insert(
        _ groups: [Group], owner: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<String> {
        let group = groups[0]
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
        bindings.append(groups.count == 1 ? group.rows : Self.concatenated(groups.map(\.rows)))
        bindings.append(owner)
        bindings.append(group.collectionID)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: statement, binds: bindings), logger: logger)
        var placed = Set<String>()
        for try await sha256 in rows.decode(String.self) { placed.insert(sha256) }
        return placed
    }

    /// JSON arrays joined into one, textually: each is `[` … `]` as `DocumentIngest.rows` wrote it.
    static func concatenated(_ arrays: [String]) -> String {
        var joined = "["
        joined.reserveCapacity(arrays.reduce(2) { $0 + $1.utf8.count })
        for array in arrays {
            let inner = array.utf8.dropFirst().dropLast()
            guard !inner.isEmpty else { continue }
            if joined.utf8.count > 1 { joined += "," }
            joined += Substring(inner)
        }
        return joined + "]"
    }
}
