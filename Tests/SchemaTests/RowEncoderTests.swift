import Testing

@testable import Schema

@Suite struct RowEncoderTests {
    let layout = TableLayout(
        table: "t",
        columns: [
            TableLayout.Column(name: "id", path: ["id"], type: .bigint, notNull: true),
            TableLayout.Column(name: "price", path: ["price"], type: .numeric, notNull: false),
            TableLayout.Column(name: "ratio", path: ["ratio"], type: .doublePrecision, notNull: false),
            TableLayout.Column(name: "name", path: ["name"], type: .text, notNull: false),
            TableLayout.Column(name: "at", path: ["at"], type: .timestamptz, notNull: false),
            TableLayout.Column(name: "day", path: ["day"], type: .date, notNull: false),
            TableLayout.Column(name: "ref", path: ["ref"], type: .uuid, notNull: false),
            TableLayout.Column(name: "ok", path: ["ok"], type: .boolean, notNull: false),
            TableLayout.Column(name: "tags", path: ["tags"], type: .textArray, notNull: false),
            TableLayout.Column(name: "nested_obj__str", path: ["nested_obj", "str"], type: .text, notNull: false),
            TableLayout.Column(name: "nested_obj__num", path: ["nested_obj", "num"], type: .bigint, notNull: false),
            TableLayout.Column(name: "meta", path: ["meta"], type: .jsonb, notNull: false),
        ])

    func record(_ document: JSONNode, id: String = "a1") -> (String, RowOutcome) {
        var output: [UInt8] = []
        let outcome = RowEncoder(layout: layout).appendRecord(assetID: id, document: document, to: &output)
        return (String(decoding: output, as: UTF8.self), outcome)
    }

    @Test func valuesThatCastGoToColumnsAndNothingIsLeft() {
        let document = J.obj(
            ("id", J.int("1")), ("price", J.float("9.90")), ("ratio", J.float("1.0")), ("name", J.str("Ann \"A\"")),
            ("at", J.str("2024-05-01T10:00:00+02:00")), ("day", J.str("2024-05-01")),
            ("ref", J.str("123E4567-E89B-12D3-A456-426614174000")), ("ok", .bool(true)),
            ("tags", .array([J.str("a"), .null])), ("nested_obj", J.obj(("str", J.str("s")), ("num", J.int("2")))),
            ("meta", J.obj(("x", .array([J.int("1"), J.big("18446744073709551616")])))))
        let (text, outcome) = record(document)
        #expect(
            text
                == #"{"asset_id":"a1","id":1,"price":9.90,"ratio":1.0,"name":"Ann \"A\"","at":"2024-05-01T10:00:00+02:00","#
                + #""day":"2024-05-01","ref":"123E4567-E89B-12D3-A456-426614174000","ok":true,"tags":["a",null],"#
                + #""nested_obj__str":"s","nested_obj__num":2,"meta":{"x":[1,18446744073709551616]},"extra":null,"#
                + #""cast_notes":null}"#)
        #expect(outcome == RowOutcome(castFailures: [], extraIsEmpty: true))
    }

    @Test func valuesThatDoNotCastStayInExtraWithNotes() {
        let document = J.obj(
            ("zeta", J.int("0")), ("id", J.str("7")), ("price", J.str("cheap")),
            ("ratio", J.float("0.1000000000000000055511151231257827")), ("name", J.int("42")),
            ("day", J.str("2024-05-01T10:00:00Z")), ("tags", .array([J.str("a"), J.int("1")])),
            ("nested_obj", J.obj(("keep", .bool(true)), ("str", J.str("s")), ("num", J.float("2.5")))),
            ("colour", .null), ("ok", .null))
        let (text, outcome) = record(document)
        #expect(
            text
                == #"{"asset_id":"a1","id":null,"price":null,"ratio":null,"name":null,"at":null,"day":null,"ref":null,"#
                + #""ok":null,"tags":null,"nested_obj__str":"s","nested_obj__num":null,"meta":null,"#
                + #""extra":{"zeta":0,"id":"7","price":"cheap","ratio":0.1000000000000000055511151231257827,"name":42,"#
                + #""day":"2024-05-01T10:00:00Z","tags":["a",1],"nested_obj":{"keep":true,"num":2.5},"colour":null},"#
                + #""cast_notes":{"id":"string \"7\" is not a bigint","price":"string \"cheap\" is not numeric","#
                + #""ratio":"number 0.1000000000000000055511151231257827 does not fit a double precision exactly","#
                + #""name":"number 42 is not text","day":"string \"2024-05-01T10:00:00Z\" is not a date","#
                + #""tags":"array [\"a\",1] is not a text[] (element number 1)","#
                + #""nested_obj.num":"number 2.5 is not a bigint"}}"#)
        #expect(outcome.castFailureCount == 7)
        #expect(outcome.castFailures.contains(["nested_obj", "num"]))
        #expect(!outcome.extraIsEmpty)
    }

    @Test func objectsLeaveExtraOnlyWhenColumnsHeldAllTheirMembers() {
        let held = J.obj(("id", J.int("1")), ("nested_obj", J.obj(("str", J.str("s")))))
        #expect(record(held).0.hasSuffix(#""extra":null,"cast_notes":null}"#))
        let empty = J.obj(("id", J.int("1")), ("nested_obj", J.obj()))
        #expect(record(empty).0.hasSuffix(#""extra":{"nested_obj":{}},"cast_notes":null}"#))
        let notAnObject = J.obj(("id", J.int("1")), ("nested_obj", J.str("flat")))
        #expect(record(notAnObject).0.hasSuffix(#""extra":{"nested_obj":"flat"},"cast_notes":null}"#))
        let duplicate = J.obj(("id", J.int("1")), ("id", J.int("2")))
        #expect(record(duplicate).0.hasPrefix(#"{"asset_id":"a1","id":2,"#))
        #expect(record(duplicate).0.hasSuffix(#""extra":null,"cast_notes":null}"#))
    }

    @Test(arguments: [
        ("1.0", true), ("1", true), ("1e2", true), ("0.1", true), ("-0", true), ("5e-324", true),
        ("1.7976931348623157e308", true), ("9007199254740992", true), ("0.1000000000000000055511151231257827", false),
        ("9007199254740993", false), ("123456789.123456789", false), ("1e-400", false), ("2.50", true),
    ])
    func doublesMustRoundTrip(text: String, exact: Bool) {
        #expect(ExactDouble.holds(text) == exact, "\(text)")
    }

    @Test func numbersCastByKind() {
        #expect(ColumnCast.holds(J.big("18446744073709551616"), .numeric))
        #expect(!ColumnCast.holds(J.big("18446744073709551616"), .bigint))
        #expect(!ColumnCast.holds(J.big("18446744073709551616"), .doublePrecision))
        #expect(ColumnCast.holds(J.huge("1e400"), .numeric))
        #expect(!ColumnCast.holds(J.huge("1e400"), .doublePrecision))
        #expect(ColumnCast.holds(J.int("3"), .doublePrecision))
        #expect(!ColumnCast.holds(J.float("3.5"), .bigint))
        #expect(ColumnCast.holds(J.str("2024-05-01"), .timestamptz))
        #expect(!ColumnCast.holds(J.str("soon"), .timestamptz))
    }

    @Test func violationsOfTheFrozenContract() {
        let frozen = TableLayout(
            table: "t",
            columns: [
                TableLayout.Column(name: "id", path: ["id"], type: .bigint, notNull: true),
                TableLayout.Column(name: "price", path: ["price"], type: .numeric, notNull: false),
                TableLayout.Column(name: "nested_obj__str", path: ["nested_obj", "str"], type: .text, notNull: true),
            ])
        let document = J.obj(
            ("price", J.str("cheap")), ("colour", J.str("red")),
            ("nested_obj", J.obj(("str", .null), ("deep", J.int("1")))))
        #expect(
            RowEncoder.violations(of: document, against: frozen).map(\.message) == [
                "`id`: required (NOT NULL) but absent", "`price`: string \"cheap\" is not numeric",
                "`nested_obj.str`: required (NOT NULL) but null", "`colour`: not a column of this collection",
                "`nested_obj.deep`: not a column of this collection",
            ])
        let conforming = J.obj(("id", J.int("1")), ("nested_obj", J.obj(("str", J.str("s")))), ("price", .null))
        #expect(RowEncoder.violations(of: conforming, against: frozen).isEmpty)
        let flat = J.obj(("id", J.int("1")), ("nested_obj", J.str("x")))
        #expect(
            RowEncoder.violations(of: flat, against: frozen).map(\.path) == [["nested_obj", "str"], ["nested_obj"]])
    }
}
