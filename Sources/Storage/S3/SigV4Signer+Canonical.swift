import Foundation

extension SigV4Signer {
    /// The canonical request for exactly what `sign` signs: the stage the published vectors check first.
    func canonicalRequest(
        method: String, host: String, path: String, query: [(String, String)],
        headers: [(String, String)], payloadHash: String, date: Date
    ) -> String {
        let added = addedHeaders(payloadHash: payloadHash, date: date)
        return canonicalRequest(
            method: method, path: path, query: query,
            signedHeaders: signedHeaders(host: host, headers: headers, added: added), payloadHash: payloadHash)
    }

    func canonicalRequest(
        method: String, path: String, query: [(String, String)],
        signedHeaders: [(name: String, value: String)], payloadHash: String
    ) -> String {
        var lines = [method, canonicalPath(path), Self.canonicalQuery(query)]
        lines += signedHeaders.map { "\($0.name):\($0.value)" }
        lines += ["", signedHeaders.map(\.name).joined(separator: ";"), payloadHash]
        return lines.joined(separator: "\n")
    }

    /// Every header that is sent, as SigV4 signs it: names lowercased, values trimmed with inner
    /// whitespace collapsed to one space, repeated names as one value joined with "," in the order
    /// sent (the order is part of the meaning), sorted by name.
    func signedHeaders(
        host: String, headers: [(String, String)], added: [(String, String)]
    ) -> [(name: String, value: String)] {
        let replaced = Set(added.map { $0.0 } + ["authorization"])
        var sent = headers.filter { !replaced.contains($0.0.lowercased()) }
        if !sent.contains(where: { $0.0.lowercased() == "host" }) { sent.append(("host", host)) }
        var values: [String: [String]] = [:]
        for (name, value) in sent + added { values[name.lowercased(), default: []].append(Self.trimmed(value)) }
        return values.map { (name: $0.key, value: $0.value.joined(separator: ",")) }
            .sorted { Self.precedes($0.name, $1.name) }
    }

    /// S3 signs the path as sent: a key may hold `//` or a `.` segment as part of its name, and
    /// S3 neither normalises it nor encodes it twice. The other services sign the normalised path
    /// (no `.`, `..` or empty segments) with each segment percent-encoded once more.
    func canonicalPath(_ path: String) -> String {
        if isS3 { return path.isEmpty ? "/" : path }
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let encoded = "/" + segments.map { Self.uriEncode($0) }.joined(separator: "/")
        return path.hasSuffix("/") && !segments.isEmpty ? encoded + "/" : encoded
    }

    /// Pairs encoded, then sorted by name and, for a repeated name, by value.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (name: uriEncode($0.0), value: uriEncode($0.1)) }
            .sorted { $0.name == $1.name ? precedes($0.value, $1.value) : precedes($0.name, $1.name) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of the UTF-8 bytes: `A-Za-z0-9-._~` kept, everything else `%XX`
    /// in uppercase hex — "/", "+" and space included, where URL libraries tend to differ.
    static func uriEncode(_ text: some StringProtocol) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Runs of spaces, tabs and line breaks become one space (a folded header's too), ends trimmed.
    /// On bytes, not Characters: Swift reads "\r\n" as one Character that equals neither.
    static func trimmed(_ value: String) -> String {
        value.utf8.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            .map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: " ")
    }

    /// Byte order, the order the server sorts in; `String`'s `<` compares by Unicode rules.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.lexicographicallyPrecedes(rhs.utf8) }
}
