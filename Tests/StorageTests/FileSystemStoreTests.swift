import Foundation
import NIOCore
import Testing

@testable import Storage

@Suite struct FileSystemStoreTests {
    let root = FileManager.default.temporaryDirectory.appending(path: "afa-store-\(UUID().uuidString)")

    func collect(_ sequence: BlobByteSequence) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in sequence { bytes += chunk.readableBytesView }
        return bytes
    }

    @Test func stagedUploadsBecomeContentAddressedBlobs() async throws {
        let store = try FileSystemStore(root: root.path)
        let payload = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = try await store.makeStagingWriter()
        for start in stride(from: 0, to: payload.count, by: 65_536) {
            try await writer.write(ByteBuffer(bytes: payload[start..<min(start + 65_536, payload.count)]))
        }
        let staged = try await writer.finish()
        #expect(staged.size == Int64(payload.count))
        #expect(staged.prefix.count == StagingWriter.prefixLength)
        let key = BlobKey.raw(sha256: staged.sha256)
        #expect(key.rawValue.hasPrefix("raw/\(staged.sha256.prefix(2))/"))
        try await store.commit(staged, as: key)
        #expect(try await store.size(of: key) == Int64(payload.count))
        #expect(try await collect(store.read(key, range: nil)) == payload)
        #expect(try await collect(store.read(key, range: 1000..<1010)) == Array(payload[1000..<1010]))
        // Nothing is left in staging once committed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appending(path: ".staging").path).isEmpty)
    }

    @Test func committingTheSameBytesTwiceKeepsOneBlob() async throws {
        let store = try FileSystemStore(root: root.path)
        let first = try await store.put(ByteBuffer(string: #"{"a":1}"#))
        let second = try await store.put(ByteBuffer(string: #"{"a":1}"#))
        #expect(first.sha256 == second.sha256)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appending(path: ".staging").path).isEmpty)
    }

    @Test func abandonedUploadsLeaveNothing() async throws {
        let store = try FileSystemStore(root: root.path)
        let writer = try await store.makeStagingWriter()
        try await writer.write(ByteBuffer(string: "half an upload"))
        await writer.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appending(path: ".staging").path).isEmpty)
    }

    @Test func keysCannotEscapeTheRoot() {
        #expect(BlobKey("../../etc/passwd") == nil)
        #expect(BlobKey("/etc/passwd") == nil)
        #expect(BlobKey("raw/./x") == nil)
        #expect(BlobKey("Raw/UPPER") == nil)
        #expect(BlobKey("raw//x") == nil)
        #expect(BlobKey("raw/x/") == nil)
        #expect(BlobKey("raw/x/..") == nil)
        #expect(BlobKey("raw/caf\u{E9}") == nil)
        #expect(BlobKey("raw/\u{FF10}") == nil)
        #expect(BlobKey("") == nil)
        #expect(BlobKey("raw/" + String(repeating: "a", count: 509)) == nil)
        #expect(BlobKey("raw/" + String(repeating: "a", count: 508)) != nil)
        #expect(BlobKey("raw/ab/cd/file") != nil)
        #expect(BlobKey("raw/.../x.json") != nil)
        let sha256 = String(repeating: "AB", count: 32)
        #expect(BlobKey.inline(sha256: sha256).rawValue == "inline/" + sha256.lowercased())
        #expect(BlobKey.inline(sha256: sha256).inlineSHA256 == sha256.lowercased())
        #expect(BlobKey.raw(sha256: sha256).contentAddress == sha256.lowercased())
    }

    @Test func readingOutsideTheBlobIsAnError() async throws {
        let store = try FileSystemStore(root: root.path)
        let staged = try await store.put(ByteBuffer(string: "0123456789"))
        let key = BlobKey.raw(sha256: staged.sha256)
        await #expect(throws: BlobStoreError.self) { _ = try await store.read(key, range: 5..<11) }
        await #expect(throws: BlobStoreError.self) { _ = try await store.read(BlobKey("raw/missing")!, range: nil) }
    }
}

extension FileSystemStoreTests {
    @Test func blobsMoveAndDelete() async throws {
        let store = try FileSystemStore(root: root.path)
        let staged = try await store.put(ByteBuffer(string: "movable"))
        let source = BlobKey.raw(sha256: staged.sha256)
        let destination = try #require(BlobKey("derived/thumbs/one"))
        try await store.move(source, to: destination)
        #expect(try await store.size(of: source) == nil)
        #expect(try await collect(store.read(destination, range: nil)) == Array("movable".utf8))
        try await store.delete(destination)
        #expect(try await store.size(of: destination) == nil)
        #expect(store.uri(for: destination).hasSuffix("/derived/thumbs/one"))
    }
}

extension FileSystemStoreTests {
    /// Many concurrent small writes share flushes but each is durable and intact when it returns.
    @Test func concurrentSmallBlobsAreAllCommitted() async throws {
        let store = try FileSystemStore(root: root.path)
        let blobs = try await withThrowingTaskGroup(of: StagedBlob.self) { group in
            for index in 0..<64 { group.addTask { try await store.put(ByteBuffer(string: #"{"n":\#(index)}"#)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(blobs.map(\.sha256)).count == 64)
        for blob in blobs {
            let bytes = try await collect(store.read(.raw(sha256: blob.sha256), range: nil))
            #expect(Int64(bytes.count) == blob.size)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appending(path: ".staging").path).isEmpty)
    }
}
