/// A validating JSON scanner (RFC 8259) that builds nothing. It is iterative, so a document
/// nested 100,000 levels deep is refused with an error instead of overflowing the stack, and it
/// checks UTF-8 inside strings. It reports where each top-level array element starts and ends,
/// so a JSON array of documents can be split into the documents' original bytes.
public struct JSONScanner {
    public enum TopLevel: Equatable, Sendable {
        /// The number of members (keys as written, duplicates included).
        case object(members: Int)
        /// Byte ranges of the elements, and whether each one is an object.
        case array(elements: [Range<Int>], allObjects: Bool)
        case scalar
    }

    public static let defaultMaximumDepth = 512

    public static func scan(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth
    ) throws
        -> TopLevel
    {
        var scanner = JSONScanner(bytes: bytes, maximumDepth: maximumDepth)
        return try scanner.scanDocument()
    }

    public static func scan(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws -> TopLevel {
        try bytes.withUnsafeBytes { try scan($0, maximumDepth: maximumDepth) }
    }

    let bytes: UnsafeRawBufferPointer
    let maximumDepth: Int
    var position = 0

    private enum Container { case object, array }

    mutating func scanDocument() throws -> TopLevel {
        skipByteOrderMark()
        skipWhitespace()
        guard position < bytes.count else { throw error("the document is empty") }
        let first = bytes[position]
        var elements: [Range<Int>] = []
        var allObjects = true
        var members = 0
        var stack: [Container] = []
        var elementStart = -1
        // Each iteration reads one value, then the punctuation after it.
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input") }
            if stack.count == 1 && first == UInt8(ascii: "[") {
                elementStart = position
                allObjects = allObjects && bytes[position] == UInt8(ascii: "{")
            }
            switch bytes[position] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[position] == UInt8(ascii: "{")
                guard stack.count < maximumDepth else {
                    throw error("nested deeper than \(maximumDepth) levels")
                }
                position += 1
                skipWhitespace()
                let closing = UInt8(ascii: isObject ? "}" : "]")
                if position < bytes.count && bytes[position] == closing {
                    position += 1  // empty container: a complete value
                } else {
                    stack.append(isObject ? .object : .array)
                    if isObject {
                        try scanKeyAndColon()
                        if stack.count == 1 { members += 1 }
                    }
                    continue
                }
            default:
                try scanScalar()
            }
            // After a complete value: close containers or move to the next member.
            while true {
                if stack.count == 1 && first == UInt8(ascii: "[") && elementStart >= 0 {
                    elements.append(elementStart..<position)
                    elementStart = -1
                }
                skipWhitespace()
                guard let container = stack.last else {
                    guard position == bytes.count else { throw error("unexpected data after the document") }
                    if first == UInt8(ascii: "{") { return .object(members: members) }
                    if first == UInt8(ascii: "[") { return .array(elements: elements, allObjects: allObjects) }
                    return .scalar
                }
                guard position < bytes.count else { throw error("unexpected end of input") }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: ",") {
                    if container == .object {
                        try scanKeyAndColon()
                        if stack.count == 1 { members += 1 }
                    }
                    break
                }
                guard byte == UInt8(ascii: container == .object ? "}" : "]") else {
                    position -= 1
                    throw error(container == .object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                stack.removeLast()
            }
        }
    }

    private mutating func scanKeyAndColon() throws {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        guard bytes[position] == UInt8(ascii: "\"") else {
            throw error("expected a string key")
        }
        try scanString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
        position += 1
    }

    private mutating func scanScalar() throws {
        switch bytes[position] {
        case UInt8(ascii: "\""): try scanString()
        case UInt8(ascii: "t"): try scanLiteral("true")
        case UInt8(ascii: "f"): try scanLiteral("false")
        case UInt8(ascii: "n"): try scanLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw error("unexpected character")
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        guard position + count <= bytes.count, (0..<count).allSatisfy({ bytes[position + $0] == expected[$0] }) else {
            throw error("invalid literal")
        }
        position += count
    }

    func error(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, reason: reason) }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func skipByteOrderMark() {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
    }
}
