import Catalog
import Foundation
import NIOCore
import Storage

/// The blob store as every reader sees it: `inline/` keys are small documents the catalog keeps
/// (written by the ingest's own statement), every other key is the underlying store's. Readers
/// (downloads, `verify`, the blob audit) need not know where a blob lives.
public struct InlineAwareStore: BlobStore {
    public let base: any BlobStore
    let inline: InlineBlobRepository

    public init(base: any BlobStore, catalog: CatalogDatabase) {
        self.base = base
        self.inline = catalog.inlineBlobs
    }

    public func makeStagingWriter() async throws -> StagingWriter { try await base.makeStagingWriter() }
    public func stage(_ bytes: ByteBuffer) async throws -> StagedBlob { try await base.stage(bytes) }
    public func commitContent(_ staged: [StagedBlob]) async throws { try await base.commitContent(staged) }
    public func discard(_ staged: StagedBlob) async { await base.discard(staged) }

    public func commit(_ staged: StagedBlob, as key: BlobKey) async throws {
        guard key.inlineSHA256 == nil else { throw BlobStoreError.writtenByIngestOnly(key) }
        try await base.commit(staged, as: key)
    }

    /// One round trip for an inline document: the whole value is read, then cut to `range`.
    public func read(_ key: BlobKey, range: Range<Int64>?) async throws -> BlobByteSequence {
        guard let sha256 = key.inlineSHA256 else { return try await base.read(key, range: range) }
        guard let content = try await inline.content(sha256: sha256) else { throw BlobStoreError.notFound(key) }
        let size = Int64(content.readableBytes)
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.upperBound <= size else {
            throw BlobStoreError.rangeNotSatisfiable(key, size: size)
        }
        let slice = content.getSlice(at: content.readerIndex + Int(wanted.lowerBound), length: wanted.count)!
        return BlobByteSequence(totalBytes: Int64(wanted.count)) { OneChunk(slice) }
    }

    public func size(of key: BlobKey) async throws -> Int64? {
        guard let sha256 = key.inlineSHA256 else { return try await base.size(of: key) }
        return try await inline.size(sha256: sha256)
    }

    /// An inline document moves out of the catalog into the store under `destination`.
    public func move(_ key: BlobKey, to destination: BlobKey) async throws {
        guard destination.inlineSHA256 == nil else { throw BlobStoreError.writtenByIngestOnly(destination) }
        guard let sha256 = key.inlineSHA256 else { return try await base.move(key, to: destination) }
        guard let content = try await inline.content(sha256: sha256) else { throw BlobStoreError.notFound(key) }
        let staged = try await base.stage(content)
        try await base.commit(staged, as: destination)
        try await inline.delete(sha256: sha256)
    }

    public func delete(_ key: BlobKey) async throws {
        guard let sha256 = key.inlineSHA256 else { return try await base.delete(key) }
        guard try await inline.delete(sha256: sha256) else { throw BlobStoreError.notFound(key) }
    }

    /// Media only: inline keys hold JSON documents, which have no place in the folder view.
    public func place(_ placements: [Placement]) async throws -> [Placement] {
        if let inline = placements.first(where: { $0.original.inlineSHA256 != nil }) {
            throw BlobStoreError.writtenByIngestOnly(inline.target)
        }
        return try await base.place(placements)
    }

    public func withLocalFile<T: Sendable>(_ key: BlobKey, _ body: (String) async throws -> T) async throws -> T {
        key.inlineSHA256 == nil ? try await base.withLocalFile(key, body) : try await withCopyInStaging(key, body)
    }

    /// The underlying store's blobs only: inline documents are rows of the catalog, committed
    /// with their asset, so they are never orphans, and there are many of them.
    public func list(prefix: String) -> AsyncThrowingStream<[StoredBlob], any Error> { base.list(prefix: prefix) }
    public func sweepStaging(before cutoff: Date) async throws -> Int { try await base.sweepStaging(before: cutoff) }

    public func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool {
        guard key.inlineSHA256 == nil else { return false }
        return try await base.delete(key, ifModifiedBefore: cutoff)
    }

    public func uri(for key: BlobKey) -> String {
        key.inlineSHA256 == nil ? base.uri(for: key) : "afa-catalog:///\(key.rawValue)"
    }
}

/// A value already in memory, handed over as one chunk.
final class OneChunk: ChunkSource {
    private var chunk: ByteBuffer?

    init(_ chunk: ByteBuffer) { self.chunk = chunk }

    func nextChunk() async throws -> ByteBuffer? {
        defer { chunk = nil }
        return chunk
    }
}
