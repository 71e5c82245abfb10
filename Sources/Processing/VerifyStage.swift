import Catalog
import Crypto
import Foundation
import Jobs
import Media
import NIOCore
import Schema
import Storage

/// The first stage of every asset: proves the stored bytes are the ones accepted (SHA-256),
/// classifies them from their content, and records what can be read without decoding: the
/// container format and dimensions for media, the shape of a JSON document.
public struct VerifyStage: ProcessingStage {
    public let name = "verify"
    /// A small document placed at ingest was hashed from the bytes the ingest's own statement
    /// stores, and parsed whole (more than `describeJSON` scans): that is this stage's work.
    public let isDoneByIngestForPlacedDocuments = true
    let store: any BlobStore
    /// JSON documents above this size are verified by hash but not re-parsed in memory.
    let maximumJSONBytes: Int
    /// Scanning a large document is CPU work: it runs there, not on the cooperative pool.
    let compute: ComputePool

    public init(store: any BlobStore, compute: ComputePool, maximumJSONBytes: Int) {
        self.compute = compute
        self.store = store
        self.maximumJSONBytes = maximumJSONBytes
    }

    public func process(_ asset: AssetRecord) async throws -> StageOutput {
        guard let key = BlobKey(asset.storageKey) else {
            throw UnprocessableContent("storage key '\(asset.storageKey)' is not valid")
        }
        let hasher = RunningHash()
        // Hashing a large video is CPU work: it goes to the compute pool a MiB at a time. What is
        // left at the end (under a MiB, a small document whole) is hashed here, where a thread
        // hop would cost more than the hashing.
        var pending: [ByteBuffer] = []
        var pendingBytes = 0
        var prefix: [UInt8] = []
        var json = ByteBuffer()
        let keepWhole = asset.kind == .json && asset.size <= maximumJSONBytes
        for try await chunk in try await store.read(key, range: nil) {
            pending.append(chunk)
            pendingBytes += chunk.readableBytes
            if pendingBytes >= Self.hashBatchBytes {
                let batch = pending
                try await compute.run { hasher.update(batch) }
                pending.removeAll(keepingCapacity: true)
                pendingBytes = 0
            }
            if prefix.count < StagingWriter.prefixLength {
                prefix.append(contentsOf: chunk.readableBytesView.prefix(StagingWriter.prefixLength - prefix.count))
            }
            if keepWhole { json.writeImmutableBuffer(chunk) }
        }
        hasher.update(pending)
        let digest = hasher.finalize()
        guard digest == asset.sha256 else {
            throw UnprocessableContent("stored bytes hash to \(digest), expected \(asset.sha256): the blob is corrupt")
        }
        let sniffed = MediaSniffer.sniff(prefix)
        var metadata = VerifiedContent.metadata(detectedKind: sniffed.kind.rawValue, mediaType: sniffed.mediaType)
        switch asset.kind {
        case .json:
            if keepWhole {
                let document = json
                metadata["json"] = try await compute.run { try Self.describeJSON(document) }
            }
        case .image, .video:
            let header = MediaHeaderReader.read(prefix, mediaType: sniffed.mediaType)
            do {
                metadata["media"] = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(header))
            } catch {
                throw UnprocessableContent("the media header could not be described")
            }
        case .other:
            break
        }
        if sniffed.kind.rawValue != asset.kind.rawValue {
            throw UnprocessableContent("content is \(sniffed.mediaType), but was accepted as \(asset.kind.rawValue)")
        }
        return StageOutput(metadata: .object(metadata), detail: ["sha256": .string(digest)])
    }

    static let hashBatchBytes = 1 << 20

    /// The same scanner, with the same limits, that accepted the document at ingest: what was
    /// accepted is described here, whatever its numbers (`1e400` is not a Double, and need not
    /// be one), and a failure is a fact about the content, never retried.
    private static func describeJSON(_ buffer: ByteBuffer) throws -> JSONValue {
        let shape: JSONScanner.TopLevel
        do {
            shape = try buffer.withUnsafeReadableBytes { try JSONScanner.scan($0) }
        } catch let error as JSONSyntaxError {
            throw UnprocessableContent("the document is not valid JSON: \(error)")
        }
        let bytes = buffer.readableBytes
        switch shape {
        case .object(let members): return VerifiedContent.objectShape(members: members, bytes: bytes)
        case .array(let elements, _): return VerifiedContent.arrayShape(elements: elements.count, bytes: bytes)
        case .scalar: return VerifiedContent.scalarShape(bytes: bytes)
        }
    }
}

/// SHA-256 over chunks handed, a batch at a time, to whichever thread hashes them. Only one
/// thread touches it at a time: the stage awaits each batch before it reads the next, so the
/// hand-overs are ordered by those awaits, which is what `@unchecked` rests on.
final class RunningHash: @unchecked Sendable {
    private var hasher = SHA256()

    func update(_ chunks: [ByteBuffer]) {
        for chunk in chunks { chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
    }

    func finalize() -> String { hasher.finalize().hexString }
}
