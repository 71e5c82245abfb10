import Foundation
import Schema

/// Any JSON value, for metadata and lineage details that are stored as `jsonb` and shown as they are.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            // Whole numbers print without a fraction, as they were written.
            if value.rounded() == value, abs(value) < 1e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON text with sorted keys, for binding as `jsonb`. `jsonb` cannot hold U+0000,
    /// which text read from media (an EXIF field padded with NULs) may contain: it becomes
    /// U+FFFD, so metadata never fails to store because of what a file carried.
    public var jsonText: String {
        var text: [UInt8] = []
        text.reserveCapacity(128)
        write(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Written by hand, not with `JSONEncoder`: every ingest and every completion binds its
    /// batch as JSON text, and the encoder's generic machinery was a tenth of the server's CPU.
    /// Its output is the encoder's: sorted keys, `/` unescaped, whole numbers without a fraction.
    /// A number JSON cannot hold (NaN, infinity) is written `null`.
    func write(to text: inout [UInt8]) {
        switch self {
        case .null: text.append(contentsOf: "null".utf8)
        case .bool(let value): text.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            if !value.isFinite {
                text.append(contentsOf: "null".utf8)
            } else if value.rounded() == value, abs(value) < 1e15 {
                text.append(contentsOf: String(Int64(value)).utf8)
            } else {
                text.append(contentsOf: value.description.utf8)
            }
        case .string(let value): Self.writeString(value, to: &text)
        case .array(let values):
            text.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                value.write(to: &text)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let members):
            text.append(UInt8(ascii: "{"))
            // Keys as stored: U+0000 becomes U+FFFD, and of two keys that then collide the first
            // in sorted order wins.
            var previous: String?
            for (index, (key, value)) in members.map({ (Self.storable($0.key), $0.value) }).sorted(by: { $0.0 < $1.0 })
                .enumerated()
            {
                if key == previous { continue }
                previous = key
                if index > 0 { text.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &text)
                text.append(UInt8(ascii: ":"))
                value.write(to: &text)
            }
            text.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ value: String, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        let utf8 = storable(value).utf8
        // Most strings (ids, names, a small document's base64) need no escape: copied whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text.append(contentsOf: utf8)
            text.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case ..<0x20:
                text.append(contentsOf: "\\u00".utf8)
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0F)])
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }

    /// `jsonb` cannot hold U+0000.
    private static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }

    /// The value of JSON text, or `.null` for text that is not JSON. It reads what PostgreSQL
    /// writes (`jsonb::text`: metadata, lineage details, collections' signatures, payloads) with
    /// the documents' own parser, tens of times faster than `JSONDecoder`: a collection's
    /// signature of a thousand keys is read on every ingest request. A number no `Double`
    /// holds makes the text unreadable: `.null`, as for any other text that is not JSON here.
    public static func parse(_ text: String) -> JSONValue {
        var text = text
        return text.withUTF8 { bytes in
            (try? JSONParser.parse(UnsafeRawBufferPointer(bytes))).flatMap(JSONValue.init(node:)) ?? .null
        }
    }

    init?(node: JSONNode) {
        switch node {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let number):
            guard let value = Double(number.text), value.isFinite else { return nil }
            self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                guard let value = JSONValue(node: element) else { return nil }
                values.append(value)
            }
            self = .array(values)
        case .object(let members):
            var values: [String: JSONValue] = Dictionary(minimumCapacity: members.count)
            for member in members {
                guard let value = JSONValue(node: member.value) else { return nil }
                values[member.key] = value
            }
            self = .object(values)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
