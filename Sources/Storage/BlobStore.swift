import Foundation
import NIOCore

/// Where bytes live: the filesystem on one machine, S3 when many share them.
///
/// Uploads arrive through a local staging file (streamed, hashed on the way), and become a blob
/// only when `commit` makes them durable under their final key in one atomic step.
public protocol BlobStore: Sendable {
    func makeStagingWriter() async throws -> StagingWriter
    /// Stages a small in-memory value (a JSON document), to be committed like an upload.
    /// It may not be durable until committed.
    func stage(_ bytes: ByteBuffer) async throws -> StagedBlob
    /// Moves staged bytes under `key`. If `key` already holds a blob, the staged copy is dropped:
    /// keys of raw inputs are content addresses, so the bytes are the same.
    func commit(_ staged: StagedBlob, as key: BlobKey) async throws
    /// Commits several staged blobs under their content addresses, durably, as one batch.
    func commitContent(_ staged: [StagedBlob]) async throws
    func discard(_ staged: StagedBlob) async
    /// Streams `range` (the whole blob when nil) in chunks, pulling as the consumer reads.
    func read(_ key: BlobKey, range: Range<Int64>?) async throws -> BlobByteSequence
    func size(of key: BlobKey) async throws -> Int64?
    func move(_ key: BlobKey, to destination: BlobKey) async throws
    func delete(_ key: BlobKey) async throws
    /// Puts files of the folder view in place, durably, as one batch (see `Placement`). Returns
    /// the placements whose bytes were nowhere: no file at `current`, `target` or `original`.
    func place(_ placements: [Placement]) async throws -> [Placement]
    /// Where the blob is, for people: `file:///…` or `s3://bucket/key`.
    func uri(for key: BlobKey) -> String
    /// Runs `body` with the path of a local file holding the blob, for tools that read files
    /// (ffprobe, ffmpeg). The file is only read, and only until `body` returns.
    func withLocalFile<T: Sendable>(_ key: BlobKey, _ body: (String) async throws -> T) async throws -> T
    /// Every blob whose key starts with `prefix` ("" for all), in pages, in ascending key order: for
    /// the orphan sweeper and for copying a store. Staging files are not blobs and never listed.
    func list(prefix: String) -> AsyncThrowingStream<[StoredBlob], any Error>
    /// Removes staging files last written before `cutoff` (a crashed process's uploads); returns how many.
    func sweepStaging(before cutoff: Date) async throws -> Int
    /// Deletes `key` only if it was last modified before `cutoff`; false when it was not, or is
    /// gone. The orphan sweeper's delete: a blob an upload committed again since the sweeper
    /// listed it (the same bytes, so the same key) may be about to be named by the catalog.
    func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool
}

extension BlobStore {
    public func stage(_ bytes: ByteBuffer) async throws -> StagedBlob {
        let writer = try await makeStagingWriter()
        do {
            try await writer.write(bytes)
            return try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
    }

    public func commitContent(_ staged: [StagedBlob]) async throws {
        for blob in staged { try await commit(blob, as: .raw(sha256: blob.sha256)) }
    }

    public func withLocalFile<T: Sendable>(_ key: BlobKey, _ body: (String) async throws -> T) async throws -> T {
        try await withCopyInStaging(key, body)
    }

    /// Looks the blob up and deletes it if it is old enough. A store that can do both in one step
    /// (`FileSystemStore`) should: here an upload committing the same bytes between the look-up
    /// and the delete loses them.
    public func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool {
        for try await page in list(prefix: key.rawValue) {
            // The key itself sorts before every longer key it is a prefix of.
            guard let blob = page.first, blob.key == key, blob.modified < cutoff else { return false }
            try await delete(key)
            return true
        }
        return false
    }

    /// For a store without files of its own (the catalog's inline documents; S3): the blob is
    /// copied into a staging file, removed when `body` returns.
    public func withCopyInStaging<T: Sendable>(_ key: BlobKey, _ body: (String) async throws -> T) async throws -> T {
        let writer = try await makeStagingWriter()
        let staged: StagedBlob
        do {
            for try await chunk in try await read(key, range: nil) { try await writer.write(chunk) }
            staged = try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
        do {
            let result = try await body(staged.path.string)
            await discard(staged)
            return result
        } catch {
            await discard(staged)
            throw error
        }
    }

    /// Stores a small in-memory value under its content address.
    @discardableResult
    public func put(_ bytes: ByteBuffer) async throws -> StagedBlob {
        let staged = try await stage(bytes)
        try await commit(staged, as: .raw(sha256: staged.sha256))
        return staged
    }

    /// Reads a whole (small) blob.
    public func readAll(_ key: BlobKey, limit: Int) async throws -> ByteBuffer {
        var result = ByteBuffer()
        for try await var chunk in try await read(key, range: nil) {
            guard result.readableBytes + chunk.readableBytes <= limit else { throw BlobStoreError.tooLarge(key, limit) }
            result.writeBuffer(&chunk)
        }
        return result
    }
}

public enum BlobStoreError: Error, CustomStringConvertible {
    case notFound(BlobKey)
    case tooLarge(BlobKey, Int)
    case rangeNotSatisfiable(BlobKey, size: Int64)
    /// The stored bytes changed since they were accepted.
    case digestMismatch(BlobKey, expected: String, actual: String)
    /// `inline/` keys hold small documents that only the ingest writes, in its own commit.
    case writtenByIngestOnly(BlobKey)

    public var description: String {
        switch self {
        case .notFound(let key): return "no blob at \(key)"
        case .tooLarge(let key, let limit): return "blob \(key) is larger than \(limit) bytes"
        case .rangeNotSatisfiable(let key, let size): return "range outside blob \(key) of \(size) bytes"
        case .digestMismatch(let key, let expected, let actual):
            return "blob \(key) hashes to \(actual), expected \(expected): the stored bytes changed"
        case .writtenByIngestOnly(let key): return "\(key) is written by the ingest only"
        }
    }
}
