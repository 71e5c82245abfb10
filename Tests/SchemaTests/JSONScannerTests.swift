import Testing

@testable import Schema

@Suite struct JSONScannerTests {
    func scan(_ text: String) throws -> JSONScanner.TopLevel { try JSONScanner.scan(Array(text.utf8)) }

    @Test func objectsArraysAndScalars() throws {
        #expect(try scan(#"{"name":"example","value":123}"#) == .object(members: 2))
        #expect(try scan("{}") == .object(members: 0))
        #expect(try scan("  \"text\"  ") == .scalar)
        #expect(try scan("-0.5e+3") == .scalar)
        #expect(try scan(#"{"a":{"b":[1,2,{"c":null}]},"d":true}"#) == .object(members: 2))
    }

    @Test func arrayElementsAreTheOriginalBytes() throws {
        let text = #"[ {"a":1} ,{"b":[2, 3]},  {} ]"#
        guard case .array(let elements, let allObjects) = try scan(text) else {
            Issue.record("not an array")
            return
        }
        let bytes = Array(text.utf8)
        #expect(allObjects)
        #expect(elements.map { String(decoding: bytes[$0], as: UTF8.self) } == [#"{"a":1}"#, #"{"b":[2, 3]}"#, "{}"])
        guard case .array(_, let mixed) = try scan(#"[{"a":1}, 2]"#) else { return }
        #expect(!mixed)
    }

    @Test(arguments: [
        ("", "the document is empty"),
        ("{", "unexpected end of input"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":1,}"#, "expected a string key"),
        ("[1 2]", "expected ',' or ']'"),
        ("01", "unexpected data after the document"),
        ("{} {}", "unexpected data after the document"),
        (#""\x""#, "invalid escape"),
        ("tru", "invalid literal"),
        ("\"a\u{1}\"", "control character in a string"),
    ])
    func malformedDocumentsAreRejectedWithAReason(text: String, reason: String) {
        #expect(throws: JSONSyntaxError.self) { try scan(text) }
        do { _ = try scan(text) } catch let error as JSONSyntaxError { #expect(error.reason == reason) } catch {}
    }

    @Test func invalidUTF8IsRejected() throws {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONSyntaxError.self) { try JSONScanner.scan(bytes) }
        }
        #expect(try JSONScanner.scan(Array("\"héllo 😀\"".utf8)) == .scalar)
    }

    @Test func deepNestingIsRefusedWithoutCrashing() {
        let deep =
            Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: JSONSyntaxError(offset: 512, reason: "nested deeper than 512 levels")) {
            try JSONScanner.scan(deep)
        }
        let fine = Array(repeating: UInt8(ascii: "["), count: 500) + Array(repeating: UInt8(ascii: "]"), count: 500)
        #expect(throws: Never.self) { try JSONScanner.scan(fine) }
    }

    /// What PostgreSQL's `jsonb` would refuse later is refused here, so nothing accepted at
    /// ingest dies in a worker (`{"s":"\ud800"}` was accepted, then dead after five attempts).
    @Test(arguments: [
        #"{"s":"\u0000"}"#, #"{"\u0000":1}"#, #"{"s":"\ud800"}"#, #"{"s":"\udc00"}"#, #"{"s":"\ud800\u0041"}"#,
        #"{"s":"\ud800x"}"#,
    ])
    func textPostgreSQLCannotHoldIsRefused(text: String) {
        #expect(throws: JSONSyntaxError.self) { try scan(text) }
    }

    @Test func surrogatePairsAndOtherEscapesAreFine() throws {
        #expect(try scan(#"{"s":"\ud83d\ude00 \u00e9 \u0001"}"#) == .object(members: 1))
    }

    /// The same limits as PostgreSQL 16's `numeric`, checked against the server in
    /// `JSONLimitsTests`; `1e400` (beyond a Double) is a number like any other.
    @Test(arguments: [
        ("1e400", true), ("-1e400", true), ("1e131071", true), ("1e131072", false), ("1E+131071", true),
        ("0.001e131074", true), ("0.001e131075", false), ("12345e131067", true), ("12345e131068", false),
        ("1e-16383", true), ("1e-16384", false), ("1.5e-16383", false), ("0.5e-16382", true), ("0e200000", true),
        ("0e-20000", false), ("-0.0e-16383", false), ("1e99999999999999999999", false),
        ("123456789012345678901234567890", true),
    ])
    func numbersAreAcceptedExactlyWhenNumericHoldsThem(number: String, accepted: Bool) {
        #expect(((try? scan(number)) != nil) == accepted, "\(number)")
        #expect(((try? scan(#"{"n":[\#(number)]}"#)) != nil) == accepted, "\(number) inside a document")
    }
}
