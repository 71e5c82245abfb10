import Foundation
import Hummingbird
import Ingest
import NIOCore
import Storage

/// Reads an ingest request body as it streams in: files go straight to staging files, JSON
/// documents and form fields are collected within small limits. Any problem rejects the whole
/// request and removes what was staged.
struct IngestRequestReader {
    struct Limits {
        var maximumBodyBytes: Int
        var maximumJSONBytes: Int
        var maximumFieldBytes = 64 * 1024
    }

    struct Result {
        var items: [IngestItem] = []
        var owner: String?
        var comments: String?
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
            return Result(
                items: try JSONDocuments.split(body, part: "the body").map { .document($0, partName: "body") })
        case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
            let body = try await collect(request.body, limit: limits.maximumJSONBytes)
            return Result(
                items: try JSONDocuments.splitLines(body, part: "the body").map { .document($0, partName: "body") })
        default:
            throw APIError(
                .unsupportedMediaType, code: "unsupported_content_type",
                "send multipart/form-data, application/json or application/x-ndjson (got '\(contentType)')")
        }
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
