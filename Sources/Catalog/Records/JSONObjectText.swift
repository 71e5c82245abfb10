import Foundation
import NIOCore

/// A JSON object written member by member: the text `JSONValue.object` would give PostgreSQL,
/// without building the tree, hashing its keys and sorting them first. For the records every
/// ingest binds, where building the tree was a tenth of a one-document request's CPU.
struct JSONObjectText {
    private var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(capacity)
    }

    /// `key` is one of ours: plain ASCII, written as it is.
    private mutating func key(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    /// A string, escaped as `JSONValue` escapes it, or `null`.
    mutating func add(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONValue.writeString(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func add(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ name: StaticString, _ value: JSONValue) {
        key(name)
        value.write(to: &bytes)
    }

    /// Bytes as a base64 string (which needs no escaping), or `null`.
    mutating func add(_ name: StaticString, base64 value: ByteBuffer?) {
        key(name)
        guard let value else { return bytes.append(contentsOf: "null".utf8) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: Data(value.readableBytesView).base64EncodedData())
        bytes.append(UInt8(ascii: "\""))
    }

    var text: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }
}
