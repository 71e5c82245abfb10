import Foundation
import Testing

@testable import Schema

@Suite struct DDLWriterTests {
    let orders = TableLayout(
        table: "orders",
        columns: [
            TableLayout.Column(name: "id", path: ["id"], type: .bigint, notNull: true),
            TableLayout.Column(name: "name", path: ["name"], type: .text, notNull: false),
            TableLayout.Column(name: "paid", path: ["paid"], type: .boolean, notNull: false),
            TableLayout.Column(name: "tags", path: ["tags"], type: .textArray, notNull: false),
            TableLayout.Column(name: "meta", path: ["meta"], type: .jsonb, notNull: false),
            TableLayout.Column(name: "a\"b", path: ["a\"b"], type: .doublePrecision, notNull: false),
        ])

    @Test func createTableIsExact() {
        #expect(
            DDLWriter.createTable(orders) == [
                #"CREATE TABLE "docs"."orders" ("asset_id" uuid PRIMARY KEY, "id" bigint NOT NULL, "name" text, "#
                    + #""paid" boolean, "tags" text[], "meta" jsonb, "a""b" double precision, "extra" jsonb, "#
                    + #""cast_notes" jsonb)"#,
                #"CREATE INDEX "orders__id_idx" ON "docs"."orders" ("id") INCLUDE ("asset_id")"#,
                #"CREATE INDEX "orders__name_idx" ON "docs"."orders" ("name") INCLUDE ("asset_id")"#,
                #"CREATE INDEX "orders__name_search" ON "docs"."orders" USING gin ("docs"."search_vector"("name"))"#,
                #"CREATE INDEX "orders__tags_idx" ON "docs"."orders" USING gin ("tags")"#,
                #"CREATE INDEX "orders__tags_search" ON "docs"."orders" USING gin ("docs"."search_vector"("tags"))"#,
                #"CREATE INDEX "orders__meta_idx" ON "docs"."orders" USING gin ("meta" jsonb_path_ops)"#,
                #"CREATE INDEX "orders__meta_search" ON "docs"."orders" USING gin ("docs"."search_vector"("meta"))"#,
                #"CREATE INDEX "orders__a""b_idx" ON "docs"."orders" ("a""b") INCLUDE ("asset_id")"#,
                #"CREATE INDEX "orders__extra_idx" ON "docs"."orders" USING gin ("extra" jsonb_path_ops)"#,
                #"CREATE INDEX "orders__extra_search" ON "docs"."orders" USING gin ("docs"."search_vector"("extra"))"#,
            ])
    }

    @Test func indexNamesFitIn63Bytes() {
        let table = String(repeating: "t", count: 60)
        let layout = TableLayout(
            table: table, columns: [TableLayout.Column(name: "c", path: ["c"], type: .text, notNull: false)])
        let statements = DDLWriter.createTable(layout, schema: "s")
        #expect(
            statements[1]
                == "CREATE INDEX \"\(String(repeating: "t", count: 54))_68d588ad\" ON \"s\".\"\(table)\" (\"c\") INCLUDE (\"asset_id\")"
        )
    }

    @Test func createJSONBTableIsExact() {
        #expect(
            DDLWriter.createJSONBTable(table: "events", indexedPaths: [["kind"], ["a b", "it's"], ["A B", "it-s"]]) == [
                #"CREATE TABLE "docs"."events" ("asset_id" uuid PRIMARY KEY, "doc" jsonb NOT NULL)"#,
                #"CREATE INDEX "events__doc_idx" ON "docs"."events" USING gin ("doc" jsonb_path_ops)"#,
                #"CREATE INDEX "events__doc_search" ON "docs"."events" USING gin ("docs"."search_vector"("doc"))"#,
                #"CREATE INDEX "events__kind_idx" ON "docs"."events" (("doc" #> '{kind}'))"#,
                #"CREATE STATISTICS "events__kind_stats" ON ("doc" #> '{kind}') FROM "docs"."events""#,
                #"CREATE INDEX "events__a_b__it_s_idx" ON "docs"."events" (("doc" #> '{"a b",it''s}'))"#,
                #"CREATE STATISTICS "events__a_b__it_s_stats" ON ("doc" #> '{"a b",it''s}') FROM "docs"."events""#,
                #"CREATE INDEX "events__a_b__it_s_idx_2" ON "docs"."events" (("doc" #> '{"A B",it-s}'))"#,
                #"CREATE STATISTICS "events__a_b__it_s_stats_2" ON ("doc" #> '{"A B",it-s}') FROM "docs"."events""#,
            ])
    }

    @Test func addingAColumnIsNeverNotNull() {
        let column = TableLayout.Column(name: "colour", path: ["colour"], type: .text, notNull: true)
        #expect(
            DDLWriter.addColumn(table: "orders", column: column)
                == #"ALTER TABLE "docs"."orders" ADD COLUMN "colour" text"#)
        #expect(
            DDLWriter.indexes(table: "orders", column: column) == [
                #"CREATE INDEX "orders__colour_idx" ON "docs"."orders" ("colour") INCLUDE ("asset_id")"#,
                #"CREATE INDEX "orders__colour_search" ON "docs"."orders" USING gin ("docs"."search_vector"("colour"))"#,
            ])
    }

    @Test func wideningStatements() {
        let cases: [(ColumnType, ColumnType, String)] = [
            (.bigint, .numeric, #""id"::numeric"#),
            (.bigint, .doublePrecision, #""id"::double precision"#),
            (.date, .timestamptz, #""id"::timestamptz"#),
            (.uuid, .text, #""id"::text"#),
            (.bigintArray, .numericArray, #""id"::numeric[]"#),
            (.bigint, .jsonb, #"to_jsonb("id")"#),
        ]
        for (from, to, using) in cases {
            let widen = DDLWriter.widen(table: "orders", column: "id", from: from, to: to)
            #expect(
                widen.statement == #"ALTER TABLE "docs"."orders" ALTER COLUMN "id" TYPE "#
                    + "\(to.rawValue) USING \(using)")
            #expect(widen.rewritesTable)
        }
        #expect(!DDLWriter.widen(table: "orders", column: "id", from: .text, to: .text).rewritesTable)
    }

    /// A column widened into text becomes searchable and gets the search's index; one that was
    /// searchable keeps its index (the function behind it takes every searchable type).
    @Test func wideningIntoTextAddsTheSearchIndex() {
        func widened(_ from: ColumnType, _ to: ColumnType) -> [String] {
            let current = TableLayout(
                table: "orders", columns: [TableLayout.Column(name: "id", path: ["id"], type: from, notNull: false)])
            var target = current
            target.columns[0].type = to
            return DDLWriter.statements(from: current, to: target).statements
        }
        let search = #"CREATE INDEX "orders__id_search" ON "docs"."orders" USING gin ("docs"."search_vector"("id"))"#
        #expect(widened(.uuid, .text).last == search)
        #expect(widened(.bigint, .jsonb).last == search)
        #expect(widened(.text, .jsonb).count == 1)
        #expect(widened(.textArray, .jsonb).count == 1)
        #expect(widened(.bigint, .numeric).count == 1)
    }

    @Test func proposalsNeverRemoveAColumn() {
        let decision = StorageDecision(mode: .typed, columns: [orders.columns[0]], reasons: [], indexedPaths: [])
        #expect(DDLWriter.proposedChanges(current: orders, decision: decision).isEmpty)
        let jsonb = StorageDecision(mode: .jsonb, columns: [], reasons: [], indexedPaths: [])
        #expect(DDLWriter.proposedChanges(current: orders, decision: jsonb).isEmpty)
    }

    @Test func schemaChangesCodeForClients() throws {
        let changes: [SchemaChange] = [
            .addColumn(TableLayout.Column(name: "c", path: ["c"], type: .text, notNull: false), reason: "r"),
            .widen(column: "n", from: .bigint, to: .numeric, reason: "w"),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(changes)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"[{"column":{"name":"c","notNull":false,"path":["c"],"type":"text"},"kind":"add-column","reason":"r"},"#
                + #"{"column":"n","from":"bigint","kind":"widen","reason":"w","to":"numeric"}]"#)
        #expect(try JSONDecoder().decode([SchemaChange].self, from: data) == changes)
    }
}
