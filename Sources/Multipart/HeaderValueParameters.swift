/// A header value of the form `value; name=token; name="quoted string"`, as used by
/// `Content-Type` and `Content-Disposition`. Parameter names are lowercased; values are kept
/// verbatim apart from unquoting.
struct HeaderValueParameters: Sendable, Equatable {
    struct Parameter: Sendable, Equatable {
        var name: String
        var value: String
    }

    var value: String
    var parameters: [Parameter]

    /// The value of the only parameter with this (lowercase) name; nil when absent.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Returns nil when the text does not follow the grammar (unterminated quote, a parameter
    /// without "=", junk after a value): a value we cannot read unambiguously is refused.
    init?(parsing text: String) {
        var scanner = ParameterScanner(bytes: Array(text.utf8))
        scanner.skipWhitespace()
        let value = scanner.readToken()
        guard !value.isEmpty else { return nil }
        self.value = value
        self.parameters = []
        scanner.skipWhitespace()
        while !scanner.isAtEnd {
            guard scanner.consume(UInt8(ascii: ";")) else { return nil }
            scanner.skipWhitespace()
            if scanner.isAtEnd || scanner.peek == UInt8(ascii: ";") { continue }
            let name = scanner.readToken().lowercased()
            guard !name.isEmpty else { return nil }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: "=")) else { return nil }
            scanner.skipWhitespace()
            let parameterValue: String
            if scanner.peek == UInt8(ascii: "\"") {
                guard let quoted = scanner.readQuotedString() else { return nil }
                parameterValue = quoted
            } else {
                parameterValue = scanner.readToken()
            }
            parameters.append(Parameter(name: name, value: parameterValue))
            scanner.skipWhitespace()
        }
    }
}

/// A cursor over the bytes of one header value.
private struct ParameterScanner {
    let bytes: [UInt8]
    var index = 0

    var isAtEnd: Bool { index >= bytes.count }
    var peek: UInt8? { isAtEnd ? nil : bytes[index] }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    mutating func skipWhitespace() {
        while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
    }

    /// Reads up to the next separator. Lenient about RFC 2045 tspecials other than the ones
    /// that structure the value, because real clients put "/" and ":" in unquoted values.
    mutating func readToken() -> String {
        let start = index
        while let byte = peek, !Self.endsToken(byte) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Reads a quoted string. A backslash escapes only `"` and `\`: browsers send Windows paths
    /// such as `C:\photos\a.jpg` unescaped, and eating those backslashes would garble the name.
    mutating func readQuotedString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var result: [UInt8] = []
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if let next = peek, next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") {
                    result.append(next)
                    index += 1
                } else {
                    result.append(byte)
                }
            default:
                result.append(byte)
            }
        }
        return nil
    }

    private static func endsToken(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: " ")
            || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\"")
    }
}
