import Foundation
import NIOCore
import Testing

@testable import Storage

/// What the orphan sweeper (and a copy to another store) sees of a filesystem store.
@Suite struct BlobListingTests {
    let root = FileManager.default.temporaryDirectory.appending(path: "afa-listing-\(UUID().uuidString)")

    func write(_ key: String, _ text: String = "x") throws {
        let file = root.appending(path: key)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    func listed(_ store: FileSystemStore, prefix: String = "") async throws -> [[StoredBlob]] {
        var pages: [[StoredBlob]] = []
        for try await page in store.list(prefix: prefix) { pages.append(page) }
        return pages
    }

    @Test func everyBlobIsListedOnceInKeyOrderAndNothingElse() async throws {
        let store = try FileSystemStore(root: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        let committed = try await store.put(ByteBuffer(string: "an upload"))
        // `-` sorts before `/`, and `0` after it: a folder's blobs sit between its neighbours.
        let keys = ["media/a/inner.jpg", "media/a-b.jpg", "media/a0.jpg", "media/a.jpg", "other/z"]
        for key in keys { try write(key, key) }
        try write("media/NOT-A-KEY.jpg")
        try FileManager.default.createSymbolicLink(
            at: root.appending(path: "media/link.jpg"), withDestinationURL: root.appending(path: "media/a.jpg"))
        // An upload in flight is not a blob.
        let writer = try await store.makeStagingWriter()
        try await writer.write(ByteBuffer(string: "half"))

        let all = try await listed(store).flatMap { $0 }
        let expected = (keys + [BlobKey.raw(sha256: committed.sha256).rawValue]).sorted {
            $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
        #expect(all.map(\.key.rawValue) == expected)
        #expect(all.first { $0.key.rawValue == "media/a-b.jpg" }?.size == Int64("media/a-b.jpg".utf8.count))
        #expect(all.allSatisfy { abs($0.modified.timeIntervalSinceNow) < 600 })
        #expect(
            try await listed(store, prefix: "media/a").flatMap { $0 }.map(\.key.rawValue)
                == expected.filter {
                    $0.hasPrefix("media/a")
                })
        #expect(try await listed(store, prefix: "nothing/").isEmpty)
        await writer.abandon()
    }

    @Test func largeFoldersComeInPages() async throws {
        let store = try FileSystemStore(root: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        for index in 0..<(FileSystemStore.listingPageSize + 5) { try write("media/many/\(index).jpg") }
        let pages = try await listed(store)
        #expect(pages.map(\.count) == [FileSystemStore.listingPageSize, 5])
        let keys = pages.flatMap { $0 }.map(\.key.rawValue)
        #expect(Set(keys).count == keys.count)
    }

    /// The sweeper's delete keeps a blob that an upload of the same bytes committed again after
    /// the sweeper listed it: that upload's row may be about to name it.
    @Test func anOrphanCommittedAgainIsNotDeleted() async throws {
        let store = try FileSystemStore(root: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes = ByteBuffer(string: "bytes a crashed upload left")
        let key = BlobKey.raw(sha256: try await store.put(bytes).sha256)
        let file = root.appending(path: key.rawValue).path
        let dayAgo = Date().addingTimeInterval(-86_400)
        try FileManager.default.setAttributes([.modificationDate: dayAgo], ofItemAtPath: file)
        let cutoff = Date().addingTimeInterval(-3600)

        try await store.put(bytes)
        #expect(try await store.delete(key, ifModifiedBefore: cutoff) == false)
        #expect(try await store.readAll(key, limit: 1024) == bytes)

        try FileManager.default.setAttributes([.modificationDate: dayAgo], ofItemAtPath: file)
        #expect(try await store.delete(key, ifModifiedBefore: cutoff))
        #expect(try await store.size(of: key) == nil)
        #expect(try await store.delete(key, ifModifiedBefore: cutoff) == false, "already gone")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appending(path: ".staging").path).isEmpty)
    }
}
