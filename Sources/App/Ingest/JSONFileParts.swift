import Ingest
import Media
import NIOCore
import Storage

/// A `files[]` part that holds JSON (one object, an array of objects, or NDJSON) is a batch of
/// documents like a `payload`: each document becomes its own asset and is placed in its
/// collection, instead of the file becoming one opaque asset. A part that does not parse stays
/// a file, kept as sent, and its `verify` stage reports why it is not a document.
enum JSONFileParts {
    struct Expanded {
        var items: [IngestItem]
        /// The first JSON file's name: it names a provisional collection.
        var source: String?
    }

    static func expand(
        _ items: [IngestItem], store: any BlobStore, maximumJSONBytes: Int, maximumDocumentBytes: Int
    ) async throws -> Expanded {
        var expanded = Expanded(items: [], source: nil)
        for item in items {
            guard case .file(let blob, let part, let filename) = item, blob.size > 0,
                blob.size <= Int64(maximumJSONBytes), MediaSniffer.sniff(blob.prefix).kind == .json
            else {
                expanded.items.append(item)
                continue
            }
            let bytes = try await blob.contents()
            guard let documents = try documents(in: bytes, part: part, maximumDocumentBytes: maximumDocumentBytes)
            else {
                expanded.items.append(item)
                continue
            }
            await store.discard(blob)
            expanded.items += documents.map { .document($0, partName: part) }
            if expanded.source == nil { expanded.source = filename }
        }
        return expanded
    }

    /// The documents of a JSON text or NDJSON, or nil when it is neither. A document too
    /// large to place is refused like one sent in a `payload`.
    private static func documents(
        in bytes: ByteBuffer, part: String, maximumDocumentBytes: Int
    ) throws
        -> [ByteBuffer]?
    {
        do {
            return try JSONDocuments.split(bytes, part: part, maximumDocumentBytes: maximumDocumentBytes)
        } catch let error as APIError where error.code == "invalid_json" {
            do {
                return try JSONDocuments.splitLines(bytes, part: part, maximumDocumentBytes: maximumDocumentBytes)
            } catch let error as APIError where error.code == "invalid_json" {
                return nil
            }
        }
    }
}
