import NIOCore
import Schema

/// Splits a JSON body into documents, each kept as its original bytes: one object, or an array
/// of objects (each element one document), or NDJSON (one object per line).
enum JSONDocuments {
    /// `maximumDocumentBytes`: one object larger than this is refused before it is scanned
    /// (it could never be placed in a collection, `SCHEMA_MAX_DOCUMENT_BYTES`).
    static func split(_ buffer: ByteBuffer, part: String, maximumDocumentBytes: Int = .max) throws -> [ByteBuffer] {
        if buffer.readableBytes > maximumDocumentBytes,
            buffer.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) })
                == UInt8(ascii: "{")
        {
            throw APIError(
                .contentTooLarge, code: "document_too_large",
                "\(part) is one document of \(buffer.readableBytes) bytes; a document may have at most \(maximumDocumentBytes) (SCHEMA_MAX_DOCUMENT_BYTES): send its parts as separate documents"
            )
        }
        let shape: JSONScanner.TopLevel
        do {
            shape = try buffer.withUnsafeReadableBytes { try JSONScanner.scan($0) }
        } catch let error as JSONSyntaxError {
            throw APIError.badRequest("invalid_json", "\(part) is not valid JSON: \(error)")
        }
        switch shape {
        case .object:
            return [trimmed(buffer)]
        case .array(let elements, let allObjects):
            guard !elements.isEmpty else { throw APIError.badRequest("invalid_json", "\(part) is an empty array") }
            guard allObjects else {
                throw APIError.badRequest("invalid_json", "\(part): every element of the array must be a JSON object")
            }
            return elements.map { buffer.getSlice(at: buffer.readerIndex + $0.lowerBound, length: $0.count)! }
        case .scalar:
            throw APIError.badRequest("invalid_json", "\(part) must be a JSON object or an array of objects")
        }
    }

    static func splitLines(_ buffer: ByteBuffer, part: String, maximumDocumentBytes: Int = .max) throws -> [ByteBuffer]
    {
        var documents: [ByteBuffer] = []
        var lineNumber = 0
        for line in buffer.readableBytesView.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
            let lineBuffer = ByteBuffer(bytes: line)
            let parsed = try split(
                lineBuffer, part: "\(part) line \(lineNumber)", maximumDocumentBytes: maximumDocumentBytes)
            guard parsed.count == 1, lineBuffer.readableBytesView.first(where: { $0 > 0x20 }) == UInt8(ascii: "{")
            else {
                throw APIError.badRequest("invalid_json", "\(part) line \(lineNumber) must be one JSON object")
            }
            documents.append(contentsOf: parsed)
        }
        guard !documents.isEmpty else { throw APIError.badRequest("invalid_json", "\(part) holds no JSON document") }
        return documents
    }

    private static func trimmed(_ buffer: ByteBuffer) -> ByteBuffer {
        let bytes = buffer.readableBytesView
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        var start = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < bytes.endIndex, whitespace.contains(bytes[start]) { start += 1 }
        var end = bytes.endIndex
        while end > start, whitespace.contains(bytes[end - 1]) { end -= 1 }
        return ByteBuffer(bytes: bytes[start..<end])
    }
}
