import Foundation
import NIOCore
import Testing

@testable import Storage

/// Several processes stage into one folder: a sweep removes what ended processes left, never a
/// running process's upload, however long it has been waiting.
@Suite struct StagingSweepTests {
    let root = FileManager.default.temporaryDirectory.appending(path: "afa-staging-\(UUID().uuidString)")
    var staging: URL { root.appending(path: ".staging") }
    var leases: URL { root.appending(path: ".staging-leases") }

    func file(_ name: String, age: TimeInterval) throws -> URL {
        let url = staging.appending(path: name)
        try Data("staged".utf8).write(to: url)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        return url
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    @Test func onlyOldFilesOfEndedProcessesGo() async throws {
        let store = try FileSystemStore(root: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        let hours = 3600.0
        // This process's upload, finished but waiting for the rest of its request for two hours.
        let writer = try await store.makeStagingWriter()
        try await writer.write(ByteBuffer(string: "the first file of a slow request"))
        let waiting = try await writer.finish()
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-2 * hours)], ofItemAtPath: waiting.path.string)

        // Another process, still running: it holds its lease's lock.
        let running = String(repeating: "a", count: 32)
        let runningLock = leases.appending(path: "lease-\(running).lock")
        _ = FileManager.default.createFile(atPath: runningLock.path, contents: nil)
        let descriptor = open(runningLock.path, O_RDONLY)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let runningUpload = try file("\(running).upload-1", age: 2 * hours)

        // A process that crashed: its lock is there, nobody holds it.
        let crashed = String(repeating: "b", count: 32)
        let crashedLock = leases.appending(path: "lease-\(crashed).lock")
        _ = FileManager.default.createFile(atPath: crashedLock.path, contents: nil)
        let crashedUpload = try file("\(crashed).upload-1", age: 2 * hours)
        let crashedRecent = try file("\(crashed).doc-2", age: 60)
        // A process that crashed long ago, whose lock an earlier sweep removed.
        let forgotten = try file("\(String(repeating: "c", count: 32)).upload-3", age: 2 * hours)
        // Files of a build before leases go by their age alone.
        let unleasedOld = try file("upload-\(UUID().uuidString.lowercased())", age: 2 * hours)
        let unleasedNew = try file("upload-\(UUID().uuidString.lowercased())", age: 60)

        let removed = try await store.sweepStaging(before: Date().addingTimeInterval(-hours))
        #expect(removed == 3)
        #expect(!exists(crashedUpload) && !exists(forgotten) && !exists(unleasedOld))
        #expect(exists(URL(filePath: waiting.path.string)) && exists(runningUpload))
        #expect(exists(crashedRecent) && exists(unleasedNew), "younger than the cut-off")
        #expect(!exists(crashedLock) && exists(runningLock))

        // The upload that waited is committed as if nothing happened.
        try await store.commit(waiting, as: .raw(sha256: waiting.sha256))
        #expect(try await store.size(of: .raw(sha256: waiting.sha256)) == waiting.size)
        // Once old enough, the crashed process's last file goes too, its lock being gone.
        #expect(try await store.sweepStaging(before: Date()) == 2)
        #expect(!exists(crashedRecent) && !exists(unleasedNew) && exists(runningUpload))
    }
}
