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
