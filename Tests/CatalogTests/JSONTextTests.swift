import Catalog
import Foundation
import PostgresNIO
import Testing

@testable import TestSupport

/// `JSONValue.jsonText` is what every batch binds as `jsonb`: it must be JSON that PostgreSQL
/// reads back as the same value, whatever the strings hold.
@Suite struct JSONTextTests {
    static let awkward: JSONValue = [
        "quote\"and\\backslash": "line\nbreak\ttab\r\u{8}\u{c}",
        "control": .string("bell\u{7}escape\u{1b}"),
        "nul\u{0}key": .string("a\u{0}b"),
        "unicode": "naïve — 🐕 / slash",
        "numbers": .array([0, -1, 42, 1.5, -0.25, 1e20, 123_456_789_012_345, 3.0e-7].map(JSONValue.number)),
        "nested": ["empty": [:], "list": [], "flags": [true, false, .null]],
    ]

    @Test func theTextIsCompactSortedAndEscaped() {
        let text = JSONValue.object(["b": 1, "a": "x/y", "c": [true, .null]]).jsonText
        #expect(text == #"{"a":"x/y","b":1,"c":[true,null]}"#)
        #expect(JSONValue.string("\u{1}\"\n").jsonText == #""\u0001\"\n""#)
        #expect(JSONValue.array([.number(.nan), .number(.infinity)]).jsonText == "[null,null]")
    }

    @Test func whatIsWrittenParsesBackToTheSameValue() {
        var expected = Self.awkward.objectValue!
        expected.removeValue(forKey: "nul\u{0}key")
        expected["nul\u{FFFD}key"] = .string("a\u{FFFD}b")
        #expect(JSONValue.parse(Self.awkward.jsonText) == .object(expected))
    }

    @Test func textThatIsNotJSONIsNull() {
        #expect(
            JSONValue.parse(#"{"a":[1,{"b":null}],"c":true,"d":-2.5e3}"#) == [
                "a": [1, ["b": .null]], "c": true, "d": -2500,
            ])
        #expect(JSONValue.parse(#"{"a": "#) == .null)
        #expect(JSONValue.parse("[1e400]") == .null, "a number no Double holds")
        #expect(JSONValue.parse("") == .null)
    }

    @Test func postgreSQLReadsItAsTheSameJSON() async throws {
        try await withCatalog { catalog, _ in
            let text = Self.awkward.jsonText
            let rows = try await catalog.client.query("SELECT \(text)::jsonb::text", logger: TestCluster.logger)
            for try await stored in rows.decode(String.self) {
                #expect(JSONValue.parse(stored) == JSONValue.parse(text))
            }
        }
    }
}
