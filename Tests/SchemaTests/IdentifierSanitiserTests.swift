import Testing

@testable import Schema

@Suite struct IdentifierSanitiserTests {
    @Test(arguments: [
        (#"a"; DROP TABLE assets; --"#, "a_drop_table_assets"),
        ("Robert'); --", "robert"),
        ("", "field"),
        ("select", "select_"),
        ("user", "user_"),
        ("ORDER", "order_"),
        ("userName", "user_name"),
        ("HTTPServer", "http_server"),
        ("v2Beta", "v2_beta"),
        ("2fa", "c_2fa"),
        ("  spaced -- out  ", "spaced_out"),
        ("a__b", "a_b"),
        ("Größe", "grosse"),
        ("café crème", "cafe_creme"),
        ("e\u{301}te\u{301}", "ete"),
        ("Prix (€)", "prix"),
    ])
    func base(raw: String, expected: String) {
        #expect(IdentifierSanitiser.base(raw) == expected)
    }

    @Test func collisionsAreNumberedInOrderOfClaim() {
        var sanitiser = IdentifierSanitiser.forColumns()
        #expect(sanitiser.claim("A b") == "a_b")
        #expect(sanitiser.claim("a_b") == "a_b_2")
        #expect(sanitiser.claim("a-b") == "a_b_3")
        #expect(sanitiser.claim("Name") == "name")
        #expect(sanitiser.claim("name") == "name_2")
        #expect(sanitiser.claim("NAME") == "name_3")
    }

    @Test func systemColumnsAreNeverProducedForData() {
        var sanitiser = IdentifierSanitiser.forColumns()
        #expect(sanitiser.claim("extra") == "extra_2")
        #expect(sanitiser.claim("asset_id") == "asset_id_2")
        #expect(sanitiser.claim("assetId") == "asset_id_3")
        #expect(sanitiser.claim("cast_notes") == "cast_notes_2")
    }

    @Test func longKeysAreCutWithAStableHashOfTheOriginal() {
        let long = String(repeating: "x", count: 300)
        let name = IdentifierSanitiser.base(long)
        #expect(name == String(repeating: "x", count: 54) + "_fc258aca")
        #expect(name.utf8.count == 63)
        // Two long keys with the same first 54 characters stay apart.
        #expect(IdentifierSanitiser.base(long + "y") != name)
        var sanitiser = IdentifierSanitiser()
        #expect(sanitiser.claim(long) == name)
        let second = sanitiser.claim(long)
        #expect(second.utf8.count <= 63 && second.hasSuffix("_2") && second != name)
    }

    @Test func multiByteKeysAreMeasuredInBytes() {
        let accented = String(repeating: "é", count: 63)
        #expect(accented.utf8.count == 126)
        #expect(IdentifierSanitiser.base(accented) == String(repeating: "e", count: 63))
        let japanese = String(repeating: "日", count: 63)
        #expect(IdentifierSanitiser.base(japanese) == "field_786bc70b")
        #expect(IdentifierSanitiser.base("中文") != IdentifierSanitiser.base("日本"))
        let mixed = String(repeating: "ü", count: 40) + String(repeating: "Ä", count: 40)
        let name = IdentifierSanitiser.base(mixed)
        #expect(name.utf8.count == 63 && name.allSatisfy { $0.isASCII })
    }

    @Test func pathsAreJoinedByDoubleUnderscores() {
        #expect(IdentifierSanitiser.base(path: ["nested_obj", "str"]) == "nested_obj__str")
        #expect(IdentifierSanitiser.base(path: ["Nested Obj", ""]) == "nested_obj__field")
        #expect(IdentifierSanitiser.base(path: ["1st", "select"]) == "c_1st__select")
        var sanitiser = IdentifierSanitiser.forColumns()
        #expect(sanitiser.claim(path: ["a", "b"]) == "a__b")
        #expect(sanitiser.claim(path: ["A", "B"]) == "a__b_2")
    }

    @Test func everyNameIsPlainASCIISnakeCase() {
        let hostile = [
            #"a"; DROP TABLE assets; --"#, "Robert'); --", "\u{0}x", "\u{202E}evil", "😀", "tab\tnew\nline", "$1",
            "a\"b",
        ]
        var sanitiser = IdentifierSanitiser.forColumns()
        for raw in hostile {
            let name = sanitiser.claim(raw)
            #expect(!name.isEmpty && name.utf8.count <= 63)
            #expect(name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }, "\(name)")
            #expect(!ReservedWords.postgreSQL.contains(name))
        }
    }

    @Test func quoting() {
        #expect(SQL.quoted(#"a"; DROP TABLE assets; --"#) == #""a""; DROP TABLE assets; --""#)
        #expect(SQL.literal("Robert'); --") == "'Robert''); --'")
        #expect(SQL.literal(#"back\slash"#) == #"'back\slash'"#)
    }

    @Test func textArrayLiteralsQuoteWhatArraySyntaxWouldMisread() {
        #expect(SQL.textArrayLiteral(["a", "b"]) == "'{a,b}'")
        #expect(SQL.textArrayLiteral(["it's"]) == "'{it''s}'")
        #expect(SQL.textArrayLiteral([#"x"y"#, #"back\slash"#]) == #"'{"x\"y","back\\slash"}'"#)
        #expect(
            SQL.textArrayLiteral(["a,b", "{}", "sp ace", "", "NULL", "null"])
                == #"'{"a,b","{}","sp ace","","NULL","null"}'"#)
        #expect(SQL.textArrayLiteral([#"'"}, DROP"#]) == #"'{"''\"}, DROP"}'"#)
        #expect(SQL.textArrayLiteral(["日本", "é"]) == "'{日本,é}'")
    }
}
