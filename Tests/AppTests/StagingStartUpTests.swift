import Foundation
import NIOCore
import Storage
import Testing

@testable import TestSupport

/// A process that starts removes the staging files a crashed process left, and never an upload
/// of a process still running, however long it has waited.
@Suite struct StagingStartUpTests {
    @Test func aStartingWorkerRemovesOnlyWhatCrashedProcessesLeft() async throws {
        try await withCatalog { catalog, database in
            let data = FileManager.default.temporaryDirectory.appending(path: "afa-staging-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let staging = data.appending(path: "blobs/.staging")
            let port = try freePort()
            let environment = [
                "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "1",
            ]
            func files() -> Set<String> {
                Set((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? [])
            }
            func age(_ name: String, by seconds: TimeInterval) throws {
                try FileManager.default.setAttributes(
                    [.modificationDate: Date().addingTimeInterval(-seconds)],
                    ofItemAtPath: staging.appending(path: name).path)
            }

            // A server killed in the middle of a request leaves the files it had received
            // staged (a file still arriving is not linked into the folder until it is whole).
            let server = try AfaProcess(["serve"], environment: environment, name: "staging-crash")
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(server)
            let key = try await catalog.apiKeys.create(role: .user, owner: "staging").key
            let second = try Fixture.bytes("chelsea.png")
            var form = MultipartBody()
            form.file(filename: "first.jpg", try Fixture.bytes("rocket.jpg"))
            form.file(filename: "second.png", second)
            let body = Array(form.finished().readableBytesView)
            let request = RawHTTP.request(
                "POST", "/api/v1/ingest", key: key, headers: ["Content-Type: \(form.contentType)"], body: body)
            let upload = try await RawHTTP(port: port).connect()
            try await upload.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(bytes: request.prefix(request.count - second.count / 2)))
                try await eventually("the first file to be staged") { !files().isEmpty }
                server.kill9()
            }
            let crashed = try #require(files().first)
            try age(crashed, by: 7200)

            // This test is a running process too: its upload has waited two hours for the rest of
            // its request. And a file written a moment ago, whoever wrote it, is young.
            let store = try FileSystemStore(root: data.appending(path: "blobs").path)
            let writer = try await store.makeStagingWriter()
            try await writer.write(ByteBuffer(string: "the first file of a slow request"))
            let waiting = try await writer.finish()
            let waitingName = URL(filePath: waiting.path.string).lastPathComponent
            try age(waitingName, by: 7200)
            let fresh = "upload-\(UUID().uuidString.lowercased())"
            try Data("just written".utf8).write(to: staging.appending(path: fresh))

            let worker = try AfaProcess(["worker"], environment: environment, name: "staging-start")
            try await eventually(timeout: .seconds(120), "the worker to start") {
                guard worker.process.isRunning else { throw TimedOut(what: "a worker that exited:\n\(worker.output)") }
                return worker.output.contains("worker started")
            }
            #expect(worker.output.contains("swept staging"))
            #expect(files() == [waitingName, fresh], "\(files())")
            let status = try await worker.stop()
            #expect(status == 0, "the worker exited with \(status):\n\(worker.output)")
            try await store.commit(waiting, as: .raw(sha256: waiting.sha256))
            #expect(try await store.size(of: .raw(sha256: waiting.sha256)) == waiting.size)
        }
    }
}
