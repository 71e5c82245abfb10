import Foundation
import Testing

@testable import Schema

@Suite struct StorageDeciderTests {
    let thresholds = StorageThresholds()

    /// NoBench-like: stable scalars, a mostly-integer field, a mixed one, 1,000 sparse keys each
    /// in 1% of the documents, an array of strings and a nested object.
    func noBench() -> CollectionStatistics {
        var builder = StatisticsBuilder(documents: 1000)
        for key in ["str1", "str2"] { builder.path([key], present: 1000, kinds: [.string: 1000]) }
        for key in ["num", "thousandth"] { builder.path([key], present: 1000, kinds: [.integer: 1000]) }
        builder.path(["bool"], present: 1000, kinds: [.bool: 1000])
        builder.path(["dyn1"], present: 1000, kinds: [.integer: 950, .string: 50])
        builder.path(["dyn2"], present: 1000, kinds: [.integer: 340, .string: 330, .bool: 330])
        builder.path(["nested_arr"], present: 1000, kinds: [.array: 1000])
        builder.path(["nested_arr", "[]"], present: 900, kinds: [.string: 4000])
        builder.path(["nested_obj"], present: 1000, kinds: [.object: 1000])
        builder.path(["nested_obj", "str"], present: 1000, kinds: [.string: 1000])
        builder.path(["nested_obj", "num"], present: 1000, kinds: [.integer: 1000])
        for index in 0..<1000 {
            let key = "sparse_" + String(repeating: "0", count: 3 - String(index).count) + String(index)
            builder.path([key], present: 10, kinds: [.string: 10])
        }
        return builder.statistics
    }

    @Test func noBenchBecomesATypedTable() {
        let decision = StorageDecider.decide(noBench(), table: "nobench", current: nil, thresholds: thresholds)
        #expect(decision.mode == .typed)
        let columns = decision.columns.map { "\($0.name) \($0.type.rawValue)\($0.notNull ? " NOT NULL" : "")" }
        #expect(
            columns == [
                "bool boolean NOT NULL", "dyn1 bigint", "nested_arr text[] NOT NULL", "nested_obj__num bigint NOT NULL",
                "nested_obj__str text NOT NULL", "num bigint NOT NULL", "str1 text NOT NULL", "str2 text NOT NULL",
                "thousandth bigint NOT NULL",
            ])
        #expect(decision.reason(["dyn1"])?.text == "`dyn1`: present in 100%, integer in 95% → bigint column")
        #expect(
            decision.reason(["dyn2"])?.text
                == "`dyn2`: present in 100%, but no type covers 95% (integer 34%, boolean 33%, string 33%) → kept in extra"
        )
        #expect(decision.reason(["dyn2"])?.outcome == .extra)
        #expect(
            decision.reason(["nested_arr"])?.text
                == "`nested_arr`: present in 100%, arrays of strings → text[] column, NOT NULL")
        #expect(
            decision.reason(["nested_obj"])?.text
                == "`nested_obj`: present in 100%, a stable object → flattened into `nested_obj__num`, `nested_obj__str`"
        )
        #expect(
            decision.reason(["nested_obj", "str"])?.text
                == "`nested_obj.str`: present in 100%, string in 100% → text column `nested_obj__str`, NOT NULL")
        let sparse = decision.reasons.filter { $0.outcome == .extra && $0.path.isEmpty }
        #expect(sparse.count == 1)
        #expect(
            sparse.first?.text
                == "1,000 sparse keys, each in under 50% of documents (e.g. `sparse_000` 1%, `sparse_001` 1%, "
                + "`sparse_002` 1%), holding 43% of leaf values → kept in extra")
        #expect(
            decision.collectionReason?.text
                == "columns hold 51% of leaf values; 43% in 1,000 sparse keys → typed table")
        // One reason per considered path (9 columns, dyn2, nested_obj), one summary, one overall.
        #expect(decision.reasons.count == 13)
        #expect(decision.indexedPaths.isEmpty)
    }

    /// A path an admin kept as JSON at approval stays in `extra` at every later decision, with
    /// the reason; a layout stored before paths could be kept reads as keeping none.
    @Test func aPathKeptAsJSONIsNeverProposedAgain() throws {
        let statistics = noBench()
        let first = StorageDecider.decide(statistics, table: "nobench", current: nil, thresholds: thresholds)
        let approved = TableLayout(
            table: "nobench", columns: first.columns.filter { $0.name != "str2" && $0.name != "nested_obj__str" },
            keptInJSONB: [["str2"], ["nested_obj", "str"]])
        let again = StorageDecider.decide(statistics, table: "nobench", current: approved, thresholds: thresholds)
        #expect(again.columns == approved.columns)
        #expect(DDLWriter.proposedChanges(current: approved, decision: again).isEmpty)
        #expect(again.reason(["str2"])?.text == "`str2`: present in 100%, kept as JSON by an admin → kept in extra")
        #expect(again.reason(["nested_obj", "str"])?.outcome == .extra)

        let stored = try JSONEncoder().encode(approved)
        #expect(try JSONDecoder().decode(TableLayout.self, from: stored) == approved)
        let older = Data(#"{"table":"nobench","columns":[]}"#.utf8)
        #expect(try JSONDecoder().decode(TableLayout.self, from: older).keptInJSONB.isEmpty)
    }

    @Test func theDecisionIsDeterministic() {
        let statistics = noBench()
        let first = StorageDecider.decide(statistics, table: "nobench", current: nil, thresholds: thresholds)
        for _ in 0..<3 {
            #expect(StorageDecider.decide(statistics, table: "nobench", current: nil, thresholds: thresholds) == first)
        }
        let approved = TableLayout(table: "nobench", columns: first.columns)
        let again = StorageDecider.decide(statistics, table: "nobench", current: approved, thresholds: thresholds)
        #expect(again.columns == first.columns)
        #expect(DDLWriter.proposedChanges(current: approved, decision: again).isEmpty)
    }

    @Test func aHeterogeneousFamilyStaysJSONB() {
        var builder = StatisticsBuilder(documents: 1000)
        builder.path(["id"], present: 1000, kinds: [.integer: 1000])
        builder.path(["kind"], present: 1000, kinds: [.string: 1000])
        for index in 0..<300 {
            builder.path(["k\(index)"], present: 100, kinds: index % 2 == 0 ? [.integer: 100] : [.string: 100])
        }
        let decision = StorageDecider.decide(builder.statistics, table: "family", current: nil, thresholds: thresholds)
        #expect(decision.mode == .jsonb)
        #expect(decision.columns.isEmpty)
        #expect(decision.collectionReason?.text == "93% of leaf values are in 300 sparse keys → JSONB")
        #expect(decision.collectionReason?.figures["sparseLeafShare"] ?? 0 > 0.9)
        #expect(decision.indexedPaths == [["id"], ["kind"]])
        #expect(
            decision.reason(["id"])?.text
                == "`id`: present in 100%, integer in 100% → would be a bigint column, NOT NULL")
    }

    @Test func nothingQualifyingMeansJSONB() {
        var builder = StatisticsBuilder(documents: 100)
        builder.path(["a"], present: 10, kinds: [.integer: 10])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: nil, thresholds: thresholds)
        #expect(decision.mode == .jsonb)
        #expect(
            decision.reason(["a"])?.text == "`a`: present in 10%, under the 50% a column needs → left in the document")
        #expect(
            decision.collectionReason?.text
                == "no path qualifies as a column (100% of leaf values in 1 sparse key) → JSONB")
    }

    @Test func aMapBecomesOneJSONBColumn() {
        var builder = StatisticsBuilder(documents: 1000)
        builder.path(["id"], present: 1000, kinds: [.integer: 1000])
        builder.path(
            ["users"], present: 1000, kinds: [.object: 1000], isMap: true, totalMembers: 2000, distinctKeys: 1000)
        builder.path(["users", "*"], present: 1000, kinds: [.object: 2000])
        builder.path(["users", "*", "name"], present: 1000, kinds: [.string: 2000])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: nil, thresholds: thresholds)
        #expect(decision.mode == .typed)
        #expect(decision.columns.map(\.name) == ["id", "users"])
        #expect(decision.columns.last?.type == .jsonb)
        let reason = decision.reason(["users"])
        #expect(reason?.outcome == .jsonbColumn)
        #expect(reason?.text.hasPrefix("`users`: present in 100%, a map: ") == true)
        #expect(reason?.text.contains(" distinct keys, each in ") == true)
        #expect(reason?.text.hasSuffix("% of objects → jsonb column, NOT NULL") == true)
        #expect(
            decision.collectionReason?.text == "columns hold 100% of leaf values; 0% in 0 sparse keys → typed table")
    }

    @Test func arraysOfObjectsAndDeepObjectsAreJSONBColumns() {
        var builder = StatisticsBuilder(documents: 10)
        builder.path(["items"], present: 10, kinds: [.array: 10])
        builder.path(["items", "[]"], present: 10, kinds: [.object: 20])
        builder.path(["items", "[]", "sku"], present: 10, kinds: [.string: 20])
        builder.path(["a"], present: 10, kinds: [.object: 10])
        builder.path(["a", "b"], present: 10, kinds: [.object: 10])
        builder.path(["a", "b", "c"], present: 10, kinds: [.integer: 10])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: nil, thresholds: thresholds)
        #expect(decision.columns.map(\.name) == ["a__b", "items"])
        #expect(decision.columns.allSatisfy { $0.type == .jsonb })
        #expect(
            decision.reason(["items"])?.text == "`items`: present in 100%, arrays of objects → jsonb column, NOT NULL")
        #expect(
            decision.reason(["a", "b"])?.text
                == "`a.b`: present in 100%, an object at depth 2 (the flattening limit is 2) → jsonb column `a__b`, NOT NULL"
        )
    }

    func layout(_ columns: TableLayout.Column...) -> TableLayout { TableLayout(table: "t", columns: columns) }

    @Test func anApprovedColumnIsKeptBelowThePromotionThreshold() {
        let current = layout(TableLayout.Column(name: "old", path: ["old"], type: .bigint, notNull: false))
        var builder = StatisticsBuilder(documents: 1000)
        builder.path(["id"], present: 1000, kinds: [.integer: 1000])
        builder.path(["old"], present: 400, kinds: [.integer: 400])
        builder.path(["fresh"], present: 400, kinds: [.integer: 400])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        #expect(decision.columns.map(\.name) == ["old", "id"])
        #expect(
            decision.reason(["old"])?.text
                == "`old`: present in 40%, under 50% but above the 30% demotion threshold, integer in 100% → bigint column kept"
        )
        #expect(decision.reason(["fresh"])?.outcome == .extra)
        let changes = DDLWriter.proposedChanges(current: current, decision: decision)
        #expect(changes.map(\.kind) == ["add-column"])

        builder.path(["old"], present: 250, kinds: [.integer: 250])
        let low = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        #expect(low.columns.map(\.name) == ["old", "id"])
        #expect(
            low.reason(["old"])?.text
                == "`old`: present in 25%, below the 30% demotion threshold, integer in 100% → bigint column kept "
                + "(flagged for demotion: an admin decides; columns are never dropped automatically)")
        #expect(!DDLWriter.proposedChanges(current: current, decision: low).contains { $0.kind == "widen" })
    }

    @Test func aColumnGoneFromTheStatisticsIsStillKept() {
        let current = layout(TableLayout.Column(name: "gone", path: ["x", "gone"], type: .text, notNull: false))
        var builder = StatisticsBuilder(documents: 10)
        builder.path(["id"], present: 10, kinds: [.integer: 10])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        #expect(decision.mode == .typed)
        #expect(decision.columns.first?.name == "gone")
        #expect(decision.reason(["x", "gone"])?.text.contains("below the 30% demotion threshold") == true)
    }

    @Test func wideningIsProposedWhenTheDataOutgrowAColumn() throws {
        let current = layout(TableLayout.Column(name: "amount", path: ["amount"], type: .bigint, notNull: true))
        var builder = StatisticsBuilder(documents: 1000)
        builder.path(["amount"], present: 1000, kinds: [.integer: 800, .float: 200])
        builder.path(["colour"], present: 900, kinds: [.string: 900])
        let decision = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        let changes = DDLWriter.proposedChanges(current: current, decision: decision)
        let reason =
            "`amount`: present in 100%, number in 100%, bigint holds 80% → bigint column widened to double precision"
        #expect(
            changes == [
                .widen(column: "amount", from: .bigint, to: .doublePrecision, reason: reason),
                .addColumn(
                    TableLayout.Column(name: "colour", path: ["colour"], type: .text, notNull: false),
                    reason: "`colour`: present in 90%, string in 100% → text column"),
            ])

        builder.path(["amount"], present: 1000, kinds: [.integer: 999, .bigInteger: 1])
        let huge = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        let widen = DDLWriter.proposedChanges(current: current, decision: huge).first
        guard case .widen(_, .bigint, let to, _) = widen else {
            Issue.record("no widening: \(String(describing: widen))")
            return
        }
        #expect(to == .numeric)
    }

    @Test func aFewStraysDoNotWidenButAColumnTheDataLeftDoes() {
        let current = layout(TableLayout.Column(name: "n", path: ["n"], type: .bigint, notNull: false))
        var builder = StatisticsBuilder(documents: 100)
        builder.path(["n"], present: 100, kinds: [.integer: 97, .string: 3])
        var decision = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        #expect(DDLWriter.proposedChanges(current: current, decision: decision).isEmpty)
        builder.path(["n"], present: 100, kinds: [.integer: 30, .string: 70])
        decision = StorageDecider.decide(builder.statistics, table: "t", current: current, thresholds: thresholds)
        #expect(
            DDLWriter.proposedChanges(current: current, decision: decision).map(\.kind) == ["widen"])
        #expect(decision.columns.first?.type == .jsonb)
    }
}

extension SchemaChange {
    var kind: String {
        switch self {
        case .addColumn: return "add-column"
        case .widen: return "widen"
        }
    }
}
