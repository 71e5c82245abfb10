import Foundation

/// A reader for `vocab.json` alone: one flat JSON object of string keys and integer ids. Foundation's
/// JSON decoders spend about 60 ms on CLIP's 49,408 entries, most of the tokenizer's load time.
struct VocabularyJSON {
    struct Failure: Error {
        var reason: String
    }

    static func parse(_ data: Data) throws(Failure) -> [String: Int32] {
        let result: Result<[String: Int32], Failure> = data.withUnsafeBytes { raw in
            var reader = VocabularyJSON(bytes: raw.bindMemory(to: UInt8.self))
            return Result { () throws(Failure) in try reader.parseObject() }
        }
        return try result.get()
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func parseObject() throws(Failure) -> [String: Int32] {
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(bytes.count / 16)
        try expect(UInt8(ascii: "{"), "the file must be a JSON object")
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                try expect(UInt8(ascii: "\""), "expected a token string")
                let token = try parseStringBody()
                try expect(UInt8(ascii: ":"), "expected ':' after a token")
                vocabulary[token] = try parseID()
                let separator = peek()
                position += 1
                if separator == UInt8(ascii: "}") { break }
                guard separator == UInt8(ascii: ",") else { throw fail("expected ',' or '}'", at: position - 1) }
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw fail("unexpected data after the object", at: position) }
        return vocabulary
    }

    /// From just after the opening quote to just after the closing one.
    private mutating func parseStringBody() throws(Failure) -> String {
        let start = position
        var end = start
        while true {
            guard let quote = bytes.firstIndex(of: UInt8(ascii: "\""), in: end..<bytes.count) else {
                throw fail("unterminated string", at: start - 1)
            }
            end = quote
            var backslashes = 0
            while end - backslashes - 1 >= start && bytes[end - backslashes - 1] == UInt8(ascii: "\\") {
                backslashes += 1
            }
            if backslashes.isMultiple(of: 2) { break }
            end += 1
        }
        position = end + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let hasEscapes = bytes.firstIndex(of: UInt8(ascii: "\\"), in: start..<end) != nil
        let utf8 = hasEscapes ? try unescaped(raw, start: start) : nil
        // Repairing rather than validating decode: much faster unoptimised, and a damaged token
        // still fails later, when the merges look it up.
        return utf8.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: raw, as: UTF8.self)
    }

    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    private func unescaped(_ raw: UnsafeBufferPointer<UInt8>, start: Int) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        var pendingHighSurrogate: UInt32?
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\") else {
                if pendingHighSurrogate != nil { throw fail("unpaired surrogate", at: start + index) }
                output.append(raw[index])
                index += 1
                continue
            }
            let code = raw[index + 1]
            index += 2
            if let byte = Self.simpleEscapes[code] {
                if pendingHighSurrogate != nil { throw fail("unpaired surrogate", at: start + index - 2) }
                output.append(byte)
                continue
            }
            guard code == UInt8(ascii: "u"), index + 4 <= raw.count,
                let unit = UInt32(String(decoding: raw[index..<(index + 4)], as: UTF8.self), radix: 16)
            else { throw fail("invalid escape sequence", at: start + index - 2) }
            index += 4
            var value = unit
            if (0xD800...0xDBFF).contains(unit) && pendingHighSurrogate == nil {
                pendingHighSurrogate = unit
                continue
            }
            if (0xDC00...0xDFFF).contains(unit), let high = pendingHighSurrogate {
                value = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                pendingHighSurrogate = nil
            }
            guard pendingHighSurrogate == nil, let scalar = Unicode.Scalar(value) else {
                throw fail("unpaired surrogate", at: start + index - 6)
            }
            output.append(contentsOf: String(Character(scalar)).utf8)
        }
        if pendingHighSurrogate != nil { throw fail("unpaired surrogate", at: start + raw.count) }
        return output
    }

    /// Ids are bounded so a corrupt file cannot make the id → token table allocate gigabytes.
    static let idLimit = 1 << 24

    private mutating func parseID() throws(Failure) -> Int32 {
        skipWhitespace()
        let start = position
        var value = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
            if value >= Self.idLimit { throw fail("token id is not below \(Self.idLimit)", at: start) }
        }
        let next = peek()
        guard position > start, next == UInt8(ascii: ",") || next == UInt8(ascii: "}") else {
            throw fail("token ids must be non-negative integers", at: start)
        }
        return Int32(value)
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        guard peek() == byte else { throw fail(message, at: position) }
        position += 1
    }

    /// The next non-whitespace byte (whitespace is consumed), or nil at the end.
    private mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func fail(_ message: String, at offset: Int) -> Failure {
        Failure(reason: "\(message) at byte \(offset)")
    }
}
