import NIOCore

/// A pull-based stream of a blob's bytes: the next chunk is read only when the consumer asks,
/// so a slow client never makes the server buffer a whole video.
public struct BlobByteSequence: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public let totalBytes: Int64
    private let makeSource: @Sendable () -> any ChunkSource

    public init(totalBytes: Int64, makeSource: @escaping @Sendable () -> any ChunkSource) {
        self.totalBytes = totalBytes
        self.makeSource = makeSource
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: makeSource()) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let source: any ChunkSource
        public mutating func next() async throws -> ByteBuffer? { try await source.nextChunk() }
    }
}

/// Produces a blob's chunks in order and releases its resources after the last one.
public protocol ChunkSource: AnyObject {
    func nextChunk() async throws -> ByteBuffer?
}
