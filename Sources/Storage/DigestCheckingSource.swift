import Crypto
import NIOCore

extension BlobStore {
    /// The whole blob, hashed as it streams: the last read fails with `digestMismatch` when the
    /// bytes are not the ones stored under `sha256`, so a consumer never takes changed bytes for
    /// the original (a response is cut short rather than completed).
    public func readVerified(_ key: BlobKey, sha256: String) async throws -> BlobByteSequence {
        let bytes = try await read(key, range: nil)
        return BlobByteSequence(totalBytes: bytes.totalBytes) {
            DigestCheckingSource(inner: bytes.makeAsyncIterator(), key: key, expected: sha256)
        }
    }
}

final class DigestCheckingSource: ChunkSource {
    private var inner: BlobByteSequence.AsyncIterator
    private var hasher = SHA256()
    private let key: BlobKey
    private let expected: String

    init(inner: BlobByteSequence.AsyncIterator, key: BlobKey, expected: String) {
        self.inner = inner
        self.key = key
        self.expected = expected
    }

    func nextChunk() async throws -> ByteBuffer? {
        guard let chunk = try await inner.next() else {
            let actual = hasher.finalize().hexString
            guard actual == expected else {
                throw BlobStoreError.digestMismatch(key, expected: expected, actual: actual)
            }
            return nil
        }
        chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        return chunk
    }
}
