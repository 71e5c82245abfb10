import Testing

@testable import Schema

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONNode { try JSONParser.parse(Array(text.utf8)) }

    func number(_ text: String) throws -> JSONNumber? {
        guard case .number(let number) = try parse(text) else { return nil }
        return number
    }

    @Test func documentsKeepMemberOrderAndNumberText() throws {
        let node = try parse("\u{FEFF} {\"b\": [1, 2.50, \"x\"], \"a\": {\"n\": null, \"t\": true, \"f\": false}} \n")
        #expect(
            node
                == .object([
                    JSONMember(
                        "b",
                        .array([
                            .number(JSONNumber(text: "1", kind: .integer)),
                            .number(JSONNumber(text: "2.50", kind: .float)), .string("x"),
                        ])),
                    JSONMember(
                        "a",
                        .object([JSONMember("n", .null), JSONMember("t", .bool(true)), JSONMember("f", .bool(false))])),
                ]))
    }

    @Test(arguments: [
        ("1", ValueKind.integer), ("-0", .integer), ("1.0", .float), ("1e400", .hugeNumber), ("-1e400", .hugeNumber),
        ("1e-400", .hugeNumber), ("0e-400", .float), ("0.0", .float), ("18446744073709551616", .bigInteger),
        ("9223372036854775807", .integer), ("9223372036854775808", .bigInteger), ("-9223372036854775808", .integer),
        ("-9223372036854775809", .bigInteger), ("1E5", .float), ("123456789012345678", .integer),
    ])
    func numbersKeepTheirTextAndAreClassifiedByTheTypeThatHoldsThem(text: String, kind: ValueKind) throws {
        let parsed = try number(text)
        #expect(parsed == JSONNumber(text: text, kind: kind))
    }

    @Test func escapesAreDecoded() throws {
        let node = try parse(#"{"k\u00e9y":"a\"b\\c\/d\b\f\n\r\t \ud83d\ude00 é"}"#)
        #expect(node == .object([JSONMember("kéy", .string("a\"b\\c/d\u{8}\u{C}\n\r\t 😀 é"))]))
    }

    @Test func duplicateKeysAreRefused() {
        #expect(throws: JSONSyntaxError(offset: 8, reason: #"duplicate key "a""#)) {
            try parse(#"{"a":1, "a":2}"#)
        }
        // The same key spelled two ways is still the same key.
        #expect(throws: JSONSyntaxError.self) { try parse(#"{"é":1,"\u00e9":2}"#) }
        // Nested objects have their own keys.
        #expect(throws: Never.self) { try parse(#"{"a":{"a":1},"b":{"a":2}}"#) }
    }

    @Test func duplicateKeysAreFoundInLargeObjects() throws {
        let members = (0..<500).map { "\"key\($0)\":\($0)" }
        #expect(throws: Never.self) { try parse("{" + members.joined(separator: ",") + "}") }
        #expect(throws: JSONSyntaxError.self) {
            try parse("{" + (members + ["\"key321\":0"]).joined(separator: ",") + "}")
        }
    }

    @Test func longDuplicateKeysAreExcerpted() throws {
        let key = String(repeating: "k", count: 200)
        do {
            _ = try parse("{\"\(key)\":1,\"\(key)\":2}")
            Issue.record("accepted a duplicate key")
        } catch let error as JSONSyntaxError {
            #expect(error.reason == "duplicate key \"" + String(repeating: "k", count: 59) + "…\"")
        }
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        let deep =
            Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: JSONSyntaxError(offset: 512, reason: "nested deeper than 512 levels")) {
            try JSONParser.parse(deep)
        }
        let deepObjects = String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try parse(deepObjects) }
        let fine = Array(repeating: UInt8(ascii: "["), count: 500) + Array(repeating: UInt8(ascii: "]"), count: 500)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    /// The parser refuses exactly what the scanner refuses, with the same reasons.
    @Test(arguments: [
        "", "{", #"{"a" 1}"#, #"{"a":1,}"#, "[1 2]", "01", "{} {}", #""\x""#, "tru", "\"a\u{1}\"", #"{"s":"\u0000"}"#,
        #"{"s":"\ud800"}"#, #"{"s":"\udc00"}"#, #"{"s":"\ud800\u0041"}"#, #"{"s":"\ud800x"}"#, "1e131072", "[1,]",
        "-", "1.", "\"abc", "[\"a\",", "nul",
    ])
    func malformedDocumentsAreRefusedLikeTheScannerRefusesThem(text: String) {
        let bytes = Array(text.utf8)
        var scannerError: JSONSyntaxError?
        do { _ = try JSONScanner.scan(bytes) } catch { scannerError = error as? JSONSyntaxError }
        var parserError: JSONSyntaxError?
        do { _ = try JSONParser.parse(bytes) } catch { parserError = error as? JSONSyntaxError }
        #expect(scannerError != nil)
        #expect(parserError == scannerError)
    }

    @Test func invalidUTF8IsRefused() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(bytes) }
        }
        #expect(try parse("\"héllo 😀\"") == .string("héllo 😀"))
    }

    @Test func pathSubscriptWalksObjects() throws {
        let node = try parse(#"{"a":{"b":{"c":3}},"list":[{"b":1}]}"#)
        #expect(node[path: ["a", "b", "c"]] == .number(JSONNumber(text: "3", kind: .integer)))
        #expect(node[path: []] == node)
        #expect(node[path: ["a", "x"]] == nil)
        #expect(node[path: ["list", "b"]] == nil)
    }
}
