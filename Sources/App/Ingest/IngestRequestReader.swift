import Foundation
import Hummingbird
import Ingest
import Multipart
import NIOCore
import Storage

/// Reads an ingest request body as it streams in: files go straight to staging files, JSON
/// documents and form fields are collected within small limits. Any problem rejects the whole
/// request and removes what was staged.
struct IngestRequestReader {
    struct Limits {
        var maximumBodyBytes: Int
        var maximumJSONBytes: Int
        var maximumItems: Int
        var maximumCommentBytes: Int
        /// One JSON document (`SCHEMA_MAX_DOCUMENT_BYTES`).
        var maximumDocumentBytes = Int.max
        /// `owner`: far more than any valid owner, far less than memory.
        var maximumFieldBytes = 4096
    }

    struct Result {
        var items: [IngestItem] = []
        var owner: String?
        var comments: String?
        /// The JSON collection named by the `collection` field.
        var collection: String?
    }

    let store: any BlobStore
    let limits: Limits

    func read(_ request: Request) async throws -> Result {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType =
            contentType.split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        switch mediaType {
        case "multipart/form-data":
            return try await MultipartIngestReader(store: store, limits: limits).read(request, contentType: contentType)
        case "application/json":
            let body = try await collect(request.body, limit: limits.maximumJSONBytes)
            return try counted(
                Result(
                    items: try JSONDocuments.split(
                        body, part: "the body", maximumDocumentBytes: limits.maximumDocumentBytes
                    ).map { .document($0, partName: "body") }))
        case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
            let body = try await collect(request.body, limit: limits.maximumJSONBytes)
            return try counted(
                Result(
                    items: try JSONDocuments.splitLines(
                        body, part: "the body", maximumDocumentBytes: limits.maximumDocumentBytes
                    ).map { .document($0, partName: "body") }
                ))
        default:
            throw APIError(
                .unsupportedMediaType, code: "unsupported_content_type",
                "send multipart/form-data, application/json or application/x-ndjson (got \(ClientText.quoted(contentType)))"
            )
        }
    }

    private func counted(_ result: Result) throws -> Result {
        guard result.items.count <= limits.maximumItems else { throw Self.tooManyItems(limits.maximumItems) }
        return result
    }

    static func tooManyItems(_ limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "too_many_items",
            "the request holds more than \(limit) files and documents; send them in several requests")
    }

    private func collect(_ body: RequestBody, limit: Int) async throws -> ByteBuffer {
        var collected = ByteBuffer()
        for try await var chunk in body {
            guard collected.readableBytes + chunk.readableBytes <= limit else {
                throw APIError.payloadTooLarge(limit: limit)
            }
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}
