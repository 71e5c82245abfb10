/// Parses bytes into a `JSONNode`, accepting exactly what `JSONScanner` accepts (strict UTF-8,
/// no `\u0000`, no unpaired surrogates, numbers PostgreSQL's `numeric` holds) and refusing, in
/// addition, an object that repeats a key: `jsonb` would silently keep only the last one, so a
/// document would lose data on the way into the database without anyone noticing.
public enum JSONParser {
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int = JSONScanner.defaultMaximumDepth
    ) throws -> JSONNode {
        var builder = JSONTreeBuilder(bytes: bytes, maximumDepth: maximumDepth)
        return try builder.parseDocument()
    }

    public static func parse(_ bytes: [UInt8], maximumDepth: Int = JSONScanner.defaultMaximumDepth) throws -> JSONNode {
        try bytes.withUnsafeBytes { try parse($0, maximumDepth: maximumDepth) }
    }
}

/// The parser's state. It is iterative, like the scanner, so depth costs heap rather than
/// stack: values of open containers wait on one shared `values` stack (and keys on `keys`),
/// and a container is built in one allocation of the right size when it closes.
///
/// It moves a `JSONScanner` as its cursor so that strings with escapes or non-ASCII bytes, and
/// numbers, are validated by the scanner's own code: the two can never disagree on what JSON is.
struct JSONTreeBuilder {
    var cursor: JSONScanner
    private var values: [JSONNode] = []
    private var keys: [String] = []
    /// Hashes of `keys`, so that looking for a duplicate compares integers, not strings.
    private var keyHashes: [UInt64] = []
    private var frames: [Frame] = []
    /// Reused between strings that need unescaping.
    var unescaped: [UInt8] = []

    private struct Frame {
        let isObject: Bool
        let valueStart: Int
        let keyStart: Int
        /// Built once an object has many members, so that duplicate detection stays linear.
        var keyHashIndex: Set<UInt64>?
    }

    /// Below this many members, a linear look through the key hashes (integer comparisons) is
    /// faster than building a set: NoBench's 19-member documents took 7% of the time with 16.
    private static let linearDuplicateSearchLimit = 64

    init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        cursor = JSONScanner(bytes: bytes, maximumDepth: maximumDepth)
    }

    var bytes: UnsafeRawBufferPointer { cursor.bytes }

    mutating func parseDocument() throws -> JSONNode {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { cursor.position = 3 }
        cursor.skipWhitespace()
        guard cursor.position < bytes.count else { throw cursor.error("the document is empty") }
        // Each iteration reads one value, then the punctuation after it (the scanner's shape).
        while true {
            cursor.skipWhitespace()
            guard cursor.position < bytes.count else { throw cursor.error("unexpected end of input") }
            let byte = bytes[cursor.position]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                guard frames.count < cursor.maximumDepth else {
                    throw cursor.error("nested deeper than \(cursor.maximumDepth) levels")
                }
                let isObject = byte == UInt8(ascii: "{")
                cursor.position += 1
                cursor.skipWhitespace()
                let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if cursor.position < bytes.count && bytes[cursor.position] == closing {
                    cursor.position += 1
                    values.append(isObject ? .object([]) : .array([]))
                } else {
                    frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
                    if isObject { try parseKeyAndColon() }
                    continue
                }
            } else {
                values.append(try parseScalar())
            }
            // After a complete value: close containers or move to the next member.
            while true {
                cursor.skipWhitespace()
                guard let frame = frames.last else {
                    guard cursor.position == bytes.count else {
                        throw cursor.error("unexpected data after the document")
                    }
                    return values.removeLast()
                }
                guard cursor.position < bytes.count else { throw cursor.error("unexpected end of input") }
                let byte = bytes[cursor.position]
                cursor.position += 1
                if byte == UInt8(ascii: ",") {
                    if frame.isObject { try parseKeyAndColon() }
                    break
                }
                guard byte == (frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    cursor.position -= 1
                    throw cursor.error(frame.isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                closeContainer()
            }
        }
    }

    private mutating func closeContainer() {
        let frame = frames.removeLast()
        let count = values.count - frame.valueStart
        if frame.isObject {
            var members: [JSONMember] = []
            members.reserveCapacity(count)
            for offset in 0..<count {
                members.append(JSONMember(keys[frame.keyStart + offset], values[frame.valueStart + offset]))
            }
            keys.removeSubrange(frame.keyStart...)
            keyHashes.removeSubrange(frame.keyStart...)
            values.removeSubrange(frame.valueStart...)
            values.append(.object(members))
        } else {
            let elements = Array(values[frame.valueStart...])
            values.removeSubrange(frame.valueStart...)
            values.append(.array(elements))
        }
    }

    private mutating func parseKeyAndColon() throws {
        cursor.skipWhitespace()
        guard cursor.position < bytes.count else { throw cursor.error("unexpected end of input") }
        guard bytes[cursor.position] == UInt8(ascii: "\"") else { throw cursor.error("expected a string key") }
        let keyOffset = cursor.position
        let (key, hash) = try parseString(hashingKey: true)
        try rejectDuplicate(key, hash: hash, at: keyOffset)
        keys.append(key)
        keyHashes.append(hash)
        cursor.skipWhitespace()
        guard cursor.position < bytes.count, bytes[cursor.position] == UInt8(ascii: ":") else {
            throw cursor.error("expected ':'")
        }
        cursor.position += 1
    }

    private mutating func rejectDuplicate(_ key: String, hash: UInt64, at offset: Int) throws {
        let frameIndex = frames.count - 1
        let start = frames[frameIndex].keyStart
        if keys.count - start < Self.linearDuplicateSearchLimit {
            for index in start..<keys.count where keyHashes[index] == hash && keys[index] == key {
                throw Self.duplicateKey(key, at: offset)
            }
            return
        }
        if frames[frameIndex].keyHashIndex == nil {
            frames[frameIndex].keyHashIndex = Set(keyHashes[start...])
        }
        // A repeated hash is almost always a repeated key; the strings decide.
        if frames[frameIndex].keyHashIndex?.insert(hash).inserted == false {
            for index in start..<keys.count where keyHashes[index] == hash && keys[index] == key {
                throw Self.duplicateKey(key, at: offset)
            }
        }
    }

    static func duplicateKey(_ key: String, at offset: Int) -> JSONSyntaxError {
        let limit = 60
        let excerpt = key.count <= limit ? key : String(key.prefix(limit - 1)) + "…"
        return JSONSyntaxError(offset: offset, reason: "duplicate key \"\(excerpt)\"")
    }

    private mutating func parseScalar() throws -> JSONNode {
        switch bytes[cursor.position] {
        case UInt8(ascii: "\""): return .string(try parseString(hashingKey: false).string)
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw cursor.error("unexpected character")
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        let position = cursor.position
        guard position + count <= bytes.count, (0..<count).allSatisfy({ bytes[position + $0] == expected[$0] }) else {
            throw cursor.error("invalid literal")
        }
        cursor.position += count
    }
}
