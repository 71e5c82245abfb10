extension MultipartPartHeaders {
    /// Parses a header block (the lines between a delimiter and the blank line, without the
    /// final CRLF CRLF). `part` is 1-based and only used in error messages.
    static func parse(
        block: ArraySlice<UInt8>, part: Int, maxCount: Int
    ) throws(MultipartError)
        -> MultipartPartHeaders
    {
        var fields: [MultipartHeaderField] = []
        for line in splitLines(block) where !line.isEmpty {
            guard fields.count < maxCount else { throw .tooManyHeaders(part: part, limit: maxCount) }
            fields.append(try parseLine(line, part: part))
        }

        let dispositions = fields.filter { $0.name.lowercased() == "content-disposition" }
        let contentTypes = fields.filter { $0.name.lowercased() == "content-type" }
        // Duplicates would let two readers of the same request see different fields or files.
        guard dispositions.count <= 1 else {
            throw .malformedHeader(part: part, reason: "more than one Content-Disposition")
        }
        guard contentTypes.count <= 1 else { throw .malformedHeader(part: part, reason: "more than one Content-Type") }
        guard let disposition = dispositions.first else { throw .missingContentDisposition(part: part) }
        guard let parsed = HeaderValueParameters(parsing: disposition.value) else {
            throw .malformedHeader(part: part, reason: "Content-Disposition cannot be parsed")
        }
        guard parsed.value.lowercased() == "form-data" else { throw .notFormData(part: part) }
        for parameter in ["name", "filename", "filename*"]
        where parsed.parameters.filter({ $0.name == parameter }).count > 1 {
            throw .malformedHeader(part: part, reason: "Content-Disposition repeats \(parameter)")
        }
        guard let name = parsed.parameter("name"), !name.isEmpty else { throw .missingName(part: part) }
        let filename =
            parsed.parameter("filename*").flatMap(HeaderValueParameters.decodeExtendedValue)
            ?? parsed.parameter("filename")
        return MultipartPartHeaders(
            name: name, filename: filename, contentType: contentTypes.first?.value, fields: fields)
    }

    private static func splitLines(_ block: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = block.startIndex
        var index = block.startIndex
        while index < block.endIndex {
            if block[index] == UInt8(ascii: "\r"), index + 1 < block.endIndex, block[index + 1] == UInt8(ascii: "\n") {
                lines.append(block[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.append(block[lineStart..<block.endIndex])
        return lines
    }

    private static func parseLine(_ line: ArraySlice<UInt8>, part: Int) throws(MultipartError) -> MultipartHeaderField {
        // Folded continuation lines are obsolete (RFC 7230 §3.2.4) and a classic smuggling trick.
        guard line.first != UInt8(ascii: " "), line.first != UInt8(ascii: "\t") else {
            throw .malformedHeader(part: part, reason: "folded header line")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw .malformedHeader(part: part, reason: "a line has no colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else {
            throw .malformedHeader(part: part, reason: "invalid header name")
        }
        // Control bytes (a lone CR or LF, NUL) have no business in a value and NUL cannot be stored
        // in a PostgreSQL text column, where the file name ends up.
        var value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == UInt8(ascii: "\t") || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .malformedHeader(part: part, reason: "control character in a header value")
        }
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            value = value.dropFirst()
        }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            value = value.dropLast()
        }
        return MultipartHeaderField(
            name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    /// RFC 7230 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
