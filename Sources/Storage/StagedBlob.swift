import Crypto
import NIOCore
import NIOFileSystem

/// Bytes written to a staging file, not yet a blob; durable once committed.
public struct StagedBlob: Sendable {
    public let path: FilePath
    public let sha256: String
    public let size: Int64
    /// The first bytes, kept for sniffing the media type without reading the file again.
    public let prefix: [UInt8]
}

/// Streams an upload into a staging file, hashing as it goes. Used by one task at a time.
public final class StagingWriter {
    public static let prefixLength = 256 * 1024

    let path: FilePath
    private let handle: WriteFileHandle
    private var hasher = SHA256()
    private var offset: Int64 = 0
    private var prefix: [UInt8] = []
    private var closed = false

    init(path: FilePath, handle: WriteFileHandle) {
        self.path = path
        self.handle = handle
    }

    public var bytesWritten: Int64 { offset }

    public func write(_ buffer: ByteBuffer) async throws {
        buffer.withUnsafeReadableBytes { bytes in
            hasher.update(bufferPointer: bytes)
            if prefix.count < Self.prefixLength {
                prefix.append(contentsOf: bytes.prefix(Self.prefixLength - prefix.count))
            }
        }
        try await handle.write(contentsOf: buffer.readableBytesView, toAbsoluteOffset: offset)
        offset += Int64(buffer.readableBytes)
    }

    /// Closes the file; the result can then be committed, which makes it durable (a group
    /// flush before the rename), so it is not flushed here as well.
    public func finish() async throws -> StagedBlob {
        try await handle.close()
        closed = true
        return StagedBlob(path: path, sha256: hasher.finalize().hexString, size: offset, prefix: prefix)
    }

    /// Drops a half-written upload (bad request, client gone).
    public func abandon() async {
        if !closed {
            closed = true
            try? await handle.close()
        }
        _ = try? await FileSystem.shared.removeItem(at: path)
    }
}

extension SHA256Digest {
    public var hexString: String { lowercaseHex(self) }
}

/// Lowercase hex of bytes through a table: digests are formatted for every item of every
/// request, and `String(format:)` per byte cost more than the hashing.
func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}

extension StagedBlob {
    /// The staged bytes, read whole: for a part small enough to be handled in memory (a JSON
    /// file split into its documents).
    public func contents() async throws -> ByteBuffer {
        try await FileSystem.shared.withFileHandle(forReadingAt: path) { handle in
            try await handle.readToEnd(maximumSizeAllowed: .bytes(size))
        }
    }
}
