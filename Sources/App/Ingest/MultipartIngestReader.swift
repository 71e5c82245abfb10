import Catalog
import Foundation
import Hummingbird
import Ingest
import Multipart
import NIOCore
import Storage

/// The multipart form of `POST /api/v1/ingest`: `files[]` (any number), `payload` (a JSON
/// document or array of documents), `owner`, `comments`. Any other field is an error, so a typo
/// is not silently ignored.
struct MultipartIngestReader {
    static let fileFields: Set<String> = ["files[]", "files"]
    static let knownFields = fileFields.union(["payload", "owner", "comments", "collection"])

    let store: any BlobStore
    let limits: IngestRequestReader.Limits

    private enum Sink {
        case file(StagingWriter, MultipartPartHeaders)
        case buffer(ByteBuffer, MultipartPartHeaders, limit: Int)
    }

    func read(_ request: Request, contentType: String) async throws -> IngestRequestReader.Result {
        var parser: MultipartParser
        do {
            parser = MultipartParser(boundary: try MultipartBoundary(contentType: contentType))
        } catch {
            throw APIError.badRequest("malformed_multipart", "\(error)")
        }
        var result = IngestRequestReader.Result()
        var sink: Sink?
        var staged: [StagingWriter] = []
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                guard received <= limits.maximumBodyBytes else {
                    throw APIError.payloadTooLarge(limit: limits.maximumBodyBytes)
                }
                for event in try parse({ () throws(MultipartError) in try parser.feed(chunk) }) {
                    try await handle(event, sink: &sink, result: &result, staged: &staged)
                }
            }
            for event in try parse({ () throws(MultipartError) in try parser.finish() }) {
                try await handle(event, sink: &sink, result: &result, staged: &staged)
            }
            return result
        } catch {
            if case .file(let writer, _) = sink { await writer.abandon() }
            for writer in staged { await writer.abandon() }
            for case .file(let blob, _, _) in result.items { await store.discard(blob) }
            throw error
        }
    }

    private func parse(_ body: () throws(MultipartError) -> [MultipartEvent]) throws -> [MultipartEvent] {
        do { return try body() } catch { throw APIError.badRequest("malformed_multipart", "\(error)") }
    }

    private func handle(
        _ event: MultipartEvent, sink: inout Sink?, result: inout IngestRequestReader.Result,
        staged: inout [StagingWriter]
    ) async throws {
        switch event {
        case .partHeaders(let headers):
            guard Self.knownFields.contains(headers.name) else {
                throw APIError.badRequest(
                    "unknown_field",
                    "unknown form field \(ClientText.quoted(headers.name)): expected files[], payload, owner, comments or collection"
                )
            }
            if Self.fileFields.contains(headers.name) {
                guard result.items.count < limits.maximumItems else {
                    throw IngestRequestReader.tooManyItems(limits.maximumItems)
                }
                let writer = try await store.makeStagingWriter()
                staged.append(writer)
                sink = .file(writer, headers)
            } else {
                let limit =
                    switch headers.name {
                    case "payload": limits.maximumJSONBytes
                    case "comments": limits.maximumCommentBytes
                    default: limits.maximumFieldBytes
                    }
                sink = .buffer(ByteBuffer(), headers, limit: limit)
            }
        case .bodyChunk(let chunk):
            switch sink {
            case .file(let writer, _):
                try await writer.write(chunk)
            case .buffer(var buffer, let headers, let limit):
                guard buffer.readableBytes + chunk.readableBytes <= limit else {
                    throw APIError(
                        .contentTooLarge, code: "payload_too_large",
                        "field '\(headers.name)' is larger than \(limit) bytes")
                }
                buffer.writeImmutableBuffer(chunk)
                sink = .buffer(buffer, headers, limit: limit)
            case nil:
                break
            }
        case .partEnd:
            switch sink {
            case .file(let writer, let headers):
                let blob = try await writer.finish()
                staged.removeAll { $0 === writer }
                result.items.append(.file(blob, partName: headers.name, filename: headers.filename))
            case .buffer(let buffer, let headers, _):
                try collectField(headers.name, buffer, into: &result)
            case nil:
                break
            }
            sink = nil
        }
    }

    private func collectField(
        _ name: String, _ buffer: ByteBuffer, into result: inout IngestRequestReader.Result
    ) throws {
        if name == "payload" {
            result.items += try JSONDocuments.split(
                buffer, part: "payload", maximumDocumentBytes: limits.maximumDocumentBytes
            ).map { .document($0, partName: "payload") }
            guard result.items.count <= limits.maximumItems else {
                throw IngestRequestReader.tooManyItems(limits.maximumItems)
            }
            return
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest("invalid_field", "field '\(name)' is not valid UTF-8")
        }
        if name == "owner" { result.owner = text }
        if name == "comments" { result.comments = text }
        if name == "collection" { result.collection = text }
    }
}
