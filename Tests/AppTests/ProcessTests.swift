import AsyncHTTPClient
import Catalog
import Foundation
import NIOCore
import PostgresNIO
import Testing

@testable import TestSupport

/// The binary as an operator runs it: fresh data folders, crashes, several processes.
@Suite(.serialized) struct ProcessTests {
    func temporaryDataRoot() -> URL {
        FileManager.default.temporaryDirectory.appending(path: "afa-data-\(UUID().uuidString)")
    }

    /// `make run` on a fresh machine: `afa serve` creates the embedded database, an admin key,
    /// and serves the spec's example; a second `afa serve` on the same folder reuses the database.
    @Test func serveOnAFreshDataFolderRunsTheSpecExample() async throws {
        let data = temporaryDataRoot()
        let port = try freePort()
        let server = try AfaProcess(["serve"], environment: ["AFA_DATA": data.path, "PORT": "\(port)"], name: "serve")
        let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
        try await http.waitUntilHealthy(server)

        let keyFile = data.appending(path: "admin.key")
        let key = try String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(server.output.contains(key), "the key is printed once at first start")

        var form = MultipartBody()
        form.file(filename: "image.jpg", try Fixture.bytes("rocket.jpg"), type: "image/jpeg")
        form.field("payload", #"{"name":"example","value":123}"#)
        form.field("owner", "alice")
        form.field("comments", "from the README")
        let (status, body) = try await http.request(
            .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
        #expect(status == 202)
        let accepted = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        let ids = try #require(accepted?["system_ids"] as? [String])
        let jobID = try #require(accepted?["job_id"] as? String)
        #expect(ids.count == 2)
        try await eventually("processing to finish") {
            try await http.json(.GET, "/api/v1/ingest/\(jobID)/status", key: key)["status"] as? String == "done"
        }
        for id in ids {
            let object = try await http.json(.GET, "/api/v1/objects/\(id)", key: key)
            let lineage = try #require(object["lineage"] as? [[String: Any]])
            if object["kind"] as? String == "image" {
                // Accepted, verified, the media stage, the two semantic stages (skipped: no model
                // here) and organise, each with its event; its placement in the unsorted folder may
                // be recorded by now, or a moment later.
                let stages = lineage.compactMap { $0["action"] as? String }.filter { $0 != "asset.moved" }
                #expect(stages.count == 6, "\(stages)")
            } else {
                // The document was verified and placed by the ingest: one event says so.
                #expect(lineage.count == 1)
                let detail = lineage.first?["detail"] as? [String: Any]
                #expect((detail?["stages_at_ingest"] as? [String: String])?["verify"] == "done")
            }
            #expect(try await http.request(.GET, "/api/v1/objects/\(id)/content", key: key).status == 200)
        }

        // Uploads that ask `Expect: 100-continue` (curl does for large files) are told to go on at once.
        let upload = FileManager.default.temporaryDirectory.appending(path: "afa-continue-\(UUID().uuidString).png")
        try Data(try Fixture.bytes("chelsea.png")).write(to: upload)
        let curl = Process()
        curl.executableURL = URL(filePath: "/usr/bin/curl")
        curl.arguments = [
            "-sv", "-H", "Authorization: Bearer \(key)", "-H", "Expect: 100-continue", "-F", "files[]=@\(upload.path)",
            "http://127.0.0.1:\(port)/api/v1/ingest",
        ]
        let curlOutput = Pipe()
        curl.standardError = curlOutput
        curl.standardOutput = FileHandle.nullDevice
        try curl.run()
        let verbose = String(decoding: curlOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(verbose.contains("HTTP/1.1 100 Continue"))
        #expect(verbose.contains("HTTP/1.1 202 Accepted"))

        // A second server on the same data folder reuses the running PostgreSQL…
        let secondPort = try freePort()
        let second = try AfaProcess(
            ["serve"], environment: ["AFA_DATA": data.path, "PORT": "\(secondPort)"], name: "serve-2")
        let secondHTTP = HTTPDriver(base: "http://127.0.0.1:\(secondPort)")
        try await secondHTTP.waitUntilHealthy(second)
        #expect(second.output.contains("reusing embedded PostgreSQL"))
        #expect(!second.output.contains("First start"))
        // …and keeps it when the first one, which started it, stops.
        #expect(try await server.stop() == 0)
        #expect(try await secondHTTP.request(.GET, "/readyz").status == 200)
        #expect(try await second.stop() == 0)
        let (code, _) = try await AfaProcess.run(["db", "status"], environment: ["AFA_DATA": data.path])
        #expect(code == 3, "the embedded server is stopped once nobody uses it")
    }

    /// `afa db start` keeps the server up across `afa serve` runs until `afa db stop`.
    @Test func theDatabaseCommandsControlTheEmbeddedServer() async throws {
        let data = ["AFA_DATA": temporaryDataRoot().path]
        #expect(try await AfaProcess.run(["db", "status"], environment: data).0 == 3)
        let (started, output) = try await AfaProcess.run(["db", "start"], environment: data)
        #expect(started == 0, "\(output)")
        #expect(output.contains("DATABASE_URL=postgres://"))
        #expect(try await AfaProcess.run(["db", "start"], environment: data).0 == 0, "starting twice is fine")
        #expect(try await AfaProcess.run(["migrate"], environment: data).1.contains("catalog schema is current"))
        #expect(try await AfaProcess.run(["db", "status"], environment: data).0 == 0, "still running after migrate")
        #expect(try await AfaProcess.run(["db", "stop"], environment: data).0 == 0)
        #expect(try await AfaProcess.run(["db", "status"], environment: data).0 == 3)
    }

    /// `kill -9` while files are processed, then a restart: everything accepted is processed,
    /// exactly once to completion, and the audit chain is intact.
    @Test func aServerKilledMidProcessingLosesNothing() async throws {
        try await withCatalog { catalog, database in
            let data = temporaryDataRoot()
            let port = try freePort()
            let environment = [
                "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "1",
                "JOB_LEASE_SECONDS": "2", "JOB_POLL_MS": "100",
            ]
            let first = try AfaProcess(["serve"], environment: environment, name: "crash")
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(first)
            let key = try await catalog.apiKeys.create(role: .user, owner: "crash-test").key

            var ids: [String] = []
            for batch in 0..<4 {
                var form = MultipartBody()
                for index in 0..<50 {
                    var bytes = Array(#"{"batch":\#(batch),"index":\#(index),"fill":""#.utf8)
                    bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 100_000) + Array(#""}"#.utf8)
                    form.file(filename: "doc-\(batch)-\(index).json", bytes)
                }
                let (status, body) = try await http.request(
                    .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
                #expect(status == 202)
                let accepted = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                ids += accepted?["system_ids"] as? [String] ?? []
            }
            #expect(ids.count == 200)
            try await eventually("the first asset to be processed") { try await doneCount(catalog) > 0 }
            first.kill9()
            let doneAtCrash = try await doneCount(catalog)

            let second = try AfaProcess(
                ["serve"], environment: environment.merging(["WORKER_THREADS": "2"]) { $1 }, name: "restart")
            try await HTTPDriver(base: "http://127.0.0.1:\(port)").waitUntilHealthy(second)
            try await eventually(timeout: .seconds(120), "all 200 assets to be processed") {
                try await doneCount(catalog) == 200
            }
            #expect(doneAtCrash < 200, "the crash should land mid-processing")
            let completions = try await completionsPerAsset(catalog)
            #expect(completions.count == 200)
            #expect(completions.values.allSatisfy { $0 == 1 }, "no job runs to completion twice")
            #expect(try await second.stop() == 0)

            let (code, output) = try await AfaProcess.run(["audit", "verify"], environment: environment)
            #expect(code == 0, "\(output)")
            #expect(output.contains("lineage intact"))
        }
    }

    /// Two `afa worker` processes and `afa serve` share one queue: 500 jobs, each completed once.
    /// The documents go to the blob store (`INLINE_DOCUMENT_BYTES=0`), so each has a `verify` job
    /// to read it back; a document kept in the catalog is verified by the ingest itself.
    @Test func workersInSeveralProcessesShareOneQueue() async throws {
        try await withCatalog { catalog, database in
            let data = temporaryDataRoot()
            let port = try freePort()
            let environment = [
                "AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "2",
                "INLINE_DOCUMENT_BYTES": "0",
            ]
            let server = try AfaProcess(["serve"], environment: environment, name: "shared-serve")
            let workers = try (0..<2).map {
                try AfaProcess(["worker"], environment: environment, name: "shared-worker-\($0)")
            }
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(server)
            try await eventually("the workers to start") { workers.allSatisfy { $0.output.contains("worker started") } }
            let key = try await catalog.apiKeys.create(role: .user, owner: "shared").key
            let documents = (0..<500).map { #"{"n":\#($0)}"# }.joined(separator: ",")
            let (status, _) = try await http.request(
                .POST, "/api/v1/ingest", key: key, contentType: "application/json",
                body: ByteBuffer(string: "[\(documents)]"))
            #expect(status == 202)
            try await eventually(timeout: .seconds(120), "500 jobs to finish") { try await doneCount(catalog) == 500 }
            let completions = try await completionsPerAsset(catalog)
            #expect(completions.count == 500)
            #expect(completions.values.allSatisfy { $0 == 1 })
            let processes = try await catalog.client.query(
                "SELECT count(DISTINCT split_part(leased_by, '#', 1))::int FROM jobs"
            ).decode(Int.self).first { _ in true }
            #expect((processes ?? 0) >= 2, "the work was shared between processes")
            for process in workers + [server] { #expect(try await process.stop() == 0) }
        }
    }
}

func doneCount(_ catalog: CatalogDatabase) async throws -> Int {
    try await catalog.client.query("SELECT count(*)::int FROM jobs WHERE state = 'done'")
        .decode(Int.self).first { _ in true } ?? 0
}

func completionsPerAsset(_ catalog: CatalogDatabase) async throws -> [UUID: Int] {
    var counts: [UUID: Int] = [:]
    let rows = try await catalog.client.query(
        "SELECT asset_id, count(*)::int FROM lineage WHERE action = 'stage.verify.done' GROUP BY asset_id")
    for try await (id, count) in rows.decode((UUID, Int).self) { counts[id] = count }
    return counts
}
