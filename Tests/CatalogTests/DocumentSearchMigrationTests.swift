import Foundation
import PostgresNIO
import Schema
import Testing

@testable import Catalog
@testable import TestSupport

/// Collections whose tables were made before JSON search existed become searchable, through
/// their indexes, once migration 11 runs.
@Suite struct DocumentSearchMigrationTests {
    @Test func tablesMadeBeforeTheMigrationGetTheirSearchIndexes() async throws {
        try await withCatalog { catalog, _ in
            let logger = TestCluster.logger
            let notes = try await catalog.collections.create(
                owner: "alice", name: "notes", tableBase: "notes", provisional: false, contract: .review,
                signature: [:], actor: "test")
            let layout = TableLayout(
                table: "orders",
                columns: [
                    TableLayout.Column(name: "title", path: ["title"], type: .text, notNull: false),
                    TableLayout.Column(name: "tags", path: ["tags"], type: .textArray, notNull: false),
                    TableLayout.Column(name: "price", path: ["price"], type: .bigint, notNull: false),
                ])
            for statement in DDLWriter.createTable(layout) {
                try await catalog.client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let orders = UUID()
            let layoutText = String(decoding: try JSONEncoder().encode(layout), as: UTF8.self)
            try await catalog.client.query(
                """
                INSERT INTO collections (id, owner, name, table_name, storage, contract, provisional, layout)
                VALUES (\(orders), 'alice', 'orders', 'orders', 'typed', 'review', false, \(layoutText)::jsonb)
                """, logger: logger)
            let documents = [UUID(), UUID(), UUID()]
            for (index, id) in documents.enumerated() {
                try await catalog.client.query(
                    """
                    INSERT INTO assets (id, kind, owner, sha256, size, media_type, storage_key, status)
                    VALUES (\(id), 'json', 'alice', sha256(\(id.uuidString)::bytea), 10, 'application/json',
                            \("inline/\(index)"), 'ready')
                    """, logger: logger)
            }
            try await catalog.client.query(
                """
                INSERT INTO docs.notes__jsonb (asset_id, doc) VALUES (\(documents[0]), '{"a": {"b": "zebra"}}')
                """, logger: logger)
            try await catalog.client.query(
                """
                INSERT INTO docs.orders (asset_id, title, tags, price, extra)
                VALUES (\(documents[1]), 'Zebra lamp', '{red}', 3, NULL),
                       (\(documents[2]), 'lamp', '{zebra}', 4, '{"note": "zebra"}')
                """, logger: logger)
            // As the catalog was before migration 11: no function, so no search index.
            try await catalog.client.query(
                """
                DROP FUNCTION docs.search_vector(text), docs.search_vector(text[]), docs.search_vector(jsonb) CASCADE
                """, logger: logger)
            try await catalog.client.query("DELETE FROM schema_migrations WHERE version = 11", logger: logger)
            #expect(try await Self.searchIndexes(catalog).isEmpty)

            #expect(try await catalog.migrator.migrate() == [11])
            let indexes = try await Self.searchIndexes(catalog)
            #expect(indexes["notes__jsonb"] == ["doc"])
            #expect(indexes["orders"] == ["extra", "tags", "title"])
            let hits = try await catalog.documentSearch.search(
                "zebra", owner: "alice", collection: nil, limit: 10, after: nil)
            #expect(Set(hits.map(\.documentID)) == Set(documents))
            #expect(
                Set(hits.map { "\($0.collectionID == notes.id ? "notes" : "orders") \($0.path)" })
                    == ["notes a.b", "orders title", "orders tags[0]"])
        }
    }

    /// Each table in `docs` with its search-indexed columns.
    static func searchIndexes(_ catalog: CatalogDatabase) async throws -> [String: [String]] {
        let rows = try await catalog.client.query(
            """
            SELECT tablename, substring(indexdef FROM 'search_vector\\((\\w+)\\)') FROM pg_indexes
            WHERE schemaname = 'docs' AND indexdef LIKE '%search_vector(%' ORDER BY 1, 2
            """, logger: TestCluster.logger)
        var indexes: [String: [String]] = [:]
        for try await (table, column) in rows.decode((String, String).self) {
            indexes[table, default: []].append(column)
        }
        return indexes
    }
}
