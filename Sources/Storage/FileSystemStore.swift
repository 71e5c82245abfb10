import Crypto
import Foundation
import NIOCore
import NIOFileSystem
import NIOPosix

/// Blobs as files under one root folder. Writes are atomic: staged, fsynced, renamed into place,
/// and the directory entry fsynced, so a crash leaves either the whole blob or none of it.
public struct FileSystemStore: BlobStore {
    public let root: FilePath
    var stagingDirectory: FilePath { root.appending(".staging") }
    var stagingPrefix: String { root.string + "/.staging/" }
    let groupSync: GroupSync
    /// Names this process's staging files, so that no sweep removes them while it runs.
    let lease: StagingLease
    static let chunkLength = 256 * 1024

    public init(root: String) throws {
        let root = FilePath(URL(filePath: root).standardizedFileURL.path)
        let staging = root.appending(".staging")
        try FileManager.default.createDirectory(atPath: staging.string, withIntermediateDirectories: true)
        self.root = root
        self.groupSync = try GroupSync(directory: staging.string)
        self.lease = try StagingLease.held(on: staging.string)
    }

    func path(of key: BlobKey) -> FilePath { root.appending(key.rawValue) }

    public func makeStagingWriter() async throws -> StagingWriter {
        let path = stagingDirectory.appending(lease.name("upload-\(UUID().uuidString.lowercased())"))
        let handle = try await FileSystem.shared.openFile(
            forWritingAt: path, options: .newFile(replaceExisting: false, permissions: [.ownerReadWrite, .groupRead]))
        return StagingWriter(path: path, handle: handle)
    }

    public func commit(_ staged: StagedBlob, as key: BlobKey) async throws {
        try await commit([(staged, key)])
    }

    public func commitContent(_ staged: [StagedBlob]) async throws {
        try await commit(staged.map { ($0, BlobKey.raw(sha256: $0.sha256)) })
    }

    /// Flushes the staged bytes (one group `syncfs` for the whole batch), renames them into
    /// place in one trip to the I/O pool (dropping a copy whose content address is taken), then
    /// flushes again so the new names are durable. Bytes are on disk before their name is.
    private func commit(_ batch: [(StagedBlob, BlobKey)]) async throws {
        guard !batch.isEmpty else { return }
        try await groupSync.sync()
        // Plain strings: `FilePath` arithmetic costs more than the rename itself on a batch
        // of 10,000 documents.
        let rootPrefix = root.string + "/"
        let moves = batch.map { ($0.0.path.string, rootPrefix + $0.1.rawValue) }
        let renamedAny = try await NIOThreadPool.singleton.runIfActive {
            var renamedAny = false
            for (source, destination) in moves {
                // The content is there already. Its time is refreshed, so that the orphan sweeper's
                // grace counts from this upload, whose catalog row is yet to commit.
                if utimes(destination, nil) == 0 || (errno != ENOENT && access(destination, F_OK) == 0) {
                    unlink(source)
                    continue
                }
                // Folders exist for all but the first blob under a prefix: create them only then.
                if rename(source, destination) != 0 {
                    guard errno == ENOENT else {
                        throw POSIXFile.Failure(operation: "rename to \(destination)", code: errno)
                    }
                    try POSIXFile.createDirectories(String(destination[..<destination.lastIndex(of: "/")!]))
                    try POSIXFile.check(rename(source, destination), "rename to \(destination)")
                }
                renamedAny = true
            }
            return renamedAny
        }
        if renamedAny { try await groupSync.sync() }
    }

    /// Small values skip the streaming writer: written and hashed in one trip to the I/O pool.
    /// They become durable when committed, together with the rest of their batch.
    public func stage(_ bytes: ByteBuffer) async throws -> StagedBlob {
        let name = stagingPrefix + lease.name("doc-" + UUID().uuidString.lowercased())
        let path = FilePath(name)
        return try await NIOThreadPool.singleton.runIfActive {
            try bytes.withUnsafeReadableBytes { raw in
                try POSIXFile.writeNew(raw, to: name)
                var hasher = SHA256()
                hasher.update(bufferPointer: raw)
                return StagedBlob(
                    path: path, sha256: hasher.finalize().hexString, size: Int64(raw.count),
                    prefix: Array(raw.prefix(StagingWriter.prefixLength)))
            }
        }
    }

    public func discard(_ staged: StagedBlob) async {
        _ = try? await FileSystem.shared.removeItem(at: staged.path)
    }

    public func read(_ key: BlobKey, range: Range<Int64>?) async throws -> BlobByteSequence {
        guard let size = try await size(of: key) else { throw BlobStoreError.notFound(key) }
        let wanted = range ?? 0..<size
        guard wanted.lowerBound >= 0, wanted.upperBound <= size else {
            throw BlobStoreError.rangeNotSatisfiable(key, size: size)
        }
        let path = path(of: key)
        return BlobByteSequence(totalBytes: Int64(wanted.count)) { FileChunkSource(path: path, range: wanted) }
    }

    public func size(of key: BlobKey) async throws -> Int64? {
        try await FileSystem.shared.info(forFileAt: path(of: key)).map { Int64($0.size) }
    }

    public func move(_ key: BlobKey, to destination: BlobKey) async throws {
        let target = path(of: destination)
        try await FileSystem.shared.createDirectory(
            at: target.removingLastComponent(), withIntermediateDirectories: true)
        try await FileSystem.shared.moveItem(at: path(of: key), to: target)
        try await groupSync.sync()
    }

    public func delete(_ key: BlobKey) async throws {
        try await FileSystem.shared.removeItem(at: path(of: key))
    }

    public func uri(for key: BlobKey) -> String { "file://" + path(of: key).string }

    /// Renames (or, for a first placement, hard-links the original: no bytes are copied) in one
    /// trip to the I/O pool, then one group `syncfs` makes the whole batch's names durable.
    public func place(_ placements: [Placement]) async throws -> [Placement] {
        guard !placements.isEmpty else { return [] }
        let rootPrefix = root.string + "/"
        @Sendable func path(_ key: BlobKey) -> String { rootPrefix + key.rawValue }
        let missing = try await NIOThreadPool.singleton.runIfActive {
            var missing: [Placement] = []
            for placement in placements {
                let target = path(placement.target)
                let earlier = placement.earlier.map(path).filter { $0 != target }
                // Where the file is now: its recorded place, else where an interrupted move left it.
                let source = ([placement.current.map(path)].compactMap { $0 } + earlier).first {
                    $0 != target && access($0, F_OK) == 0
                }
                if let source {
                    try Self.withFolder(of: target) { rename(source, target) }
                } else if access(target, F_OK) != 0 {
                    guard access(path(placement.original), F_OK) == 0 else {
                        missing.append(placement)
                        continue
                    }
                    try Self.withFolder(of: target) { link(path(placement.original), target) }
                }
                // rename(2) leaves both names when they are links to one file; and no other name of
                // this file may stay behind.
                for stale in [placement.current.map(path)].compactMap({ $0 }) + earlier
                where stale != target && access(stale, F_OK) == 0 {
                    unlink(stale)
                }
            }
            return missing
        }
        try await groupSync.sync()
        return missing
    }

    /// Runs `operation` (a rename or link to `path`), creating `path`'s folders when it fails for
    /// their lack: they exist for all but the first file of a folder.
    private static func withFolder(of path: String, _ operation: () -> Int32) throws {
        if operation() == 0 { return }
        guard errno == ENOENT else { throw POSIXFile.Failure(operation: "placing \(path)", code: errno) }
        try POSIXFile.createDirectories(String(path[..<path.lastIndex(of: "/")!]))
        try POSIXFile.check(operation(), "placing \(path)")
    }

    /// The blob's own file: a video is not copied to be read by ffmpeg.
    public func withLocalFile<T: Sendable>(_ key: BlobKey, _ body: (String) async throws -> T) async throws -> T {
        let path = path(of: key)
        guard (try? await FileSystem.shared.info(forFileAt: path)) ?? nil != nil else {
            throw BlobStoreError.notFound(key)
        }
        return try await body(path.string)
    }
}

/// Reads one file range chunk by chunk; the handle is opened on the first pull.
final class FileChunkSource: ChunkSource {
    let path: FilePath
    var offset: Int64
    let end: Int64
    var handle: ReadFileHandle?

    init(path: FilePath, range: Range<Int64>) {
        self.path = path
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    func nextChunk() async throws -> ByteBuffer? {
        guard offset < end else {
            try await handle?.close()
            handle = nil
            return nil
        }
        if handle == nil { handle = try await FileSystem.shared.openFile(forReadingAt: path, options: .init()) }
        let length = Int(min(Int64(FileSystemStore.chunkLength), end - offset))
        let chunk = try await handle!.readChunk(fromAbsoluteOffset: offset, length: .bytes(Int64(length)))
        guard chunk.readableBytes > 0 else {
            throw BlobStoreError.rangeNotSatisfiable(BlobKey("truncated")!, size: offset)
        }
        offset += Int64(chunk.readableBytes)
        return chunk
    }

    deinit {
        // The consumer stopped early (client went away): close without waiting.
        if let handle { Task { try? await handle.close() } }
    }
}
