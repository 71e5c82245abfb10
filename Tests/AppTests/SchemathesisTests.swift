import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import TestSupport

/// Schemathesis (`scripts/setup.sh` installs it into .deps/schemathesis) sends generated requests,
/// valid and invalid, to every operation of the spec a real `afa serve` hands out, and checks each
/// answer against that spec: no 5xx, only documented statuses, content types, headers and bodies.
@Suite(.serialized) struct SchemathesisTests {
    static let schemathesis = TestCluster.repositoryRoot.appending(path: ".deps/schemathesis/bin/st")
    static let hooks = TestCluster.repositoryRoot.appending(path: "Tests/Schemathesis/hooks.py")

    @Test func theServerKeepsToItsSpecUnderGeneratedRequests() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.schemathesis.path),
            "Schemathesis is not installed at \(Self.schemathesis.path): run scripts/setup.sh")
        let data = FileManager.default.temporaryDirectory.appending(path: "afa-schemathesis-\(UUID().uuidString)")
        let port = try freePort()
        let server = try AfaProcess(
            // The tiny CLIP model: searches by words and by image embed as they would in production.
            ["serve"],
            environment: ["AFA_DATA": data.path, "PORT": "\(port)", "EMBEDDING_MODEL": TinyModel.folder.path],
            name: "schemathesis-serve")
        let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
        try await http.waitUntilHealthy(server)
        let key = try String(contentsOf: data.appending(path: "admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let seeded = try await seed(http, key: key)

        let configuration = data.appending(path: "schemathesis.toml")
        try Self.configuration(seeded).write(to: configuration, atomically: true, encoding: .utf8)
        let report = data.appending(path: "schemathesis.txt")
        let started = ContinuousClock.now
        let (status, output) = try await Self.run(
            [
                "--config-file", configuration.path, "run", "http://127.0.0.1:\(port)/openapi.yaml",
                "--url", "http://127.0.0.1:\(port)", "--header", "Authorization: Bearer \(key)",
                "--checks", Self.checks.joined(separator: ","),
                // 100 cases per operation: about 80 s on two cores (half a minute per 25 more); the
                // fixed seed (and no example database) makes a failure repeatable.
                "--max-examples", "100", "--seed", "20261204", "--workers", "1", "--no-color",
                // Revoking keys would revoke the run's own (the stateful phase feeds the ids that
                // `GET /admin/keys` lists into `DELETE /admin/keys/{id}`), and every later request would
                // be a 401. No route stops the server.
                "--exclude-operation-id", "revokeKey",
                // Every other operation, `GET /openapi.yaml` too: Schemathesis leaves out the operation
                // it loaded the spec from unless a filter names it.
                "--include-path-regex", "^/",
            ], output: report)
        print("schemathesis: \(ContinuousClock.now - started), exit status \(status)")
        #expect(status == 0, "Schemathesis found responses that break docs/openapi.yaml:\n\(output)")
        #expect(server.process.isRunning, "the server is still up:\n\(server.output)")
        #expect(try await server.stop() == 0)
        // A failed run's folder (its server's database, the report) stays to be looked at.
        if status == 0 { try? FileManager.default.removeItem(at: data) }
    }

    static let checks = [
        "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
        "response_schema_conformance",
    ]

    /// What the generated requests can name besides random ids: objects of each kind, a collection
    /// with documents, an ingest job, the proposals the documents led to.
    struct Seeded {
        var objects: [String] = []
        var jobs: [String] = []
        var collections: [String] = []
        var proposals: [String] = []
    }

    func seed(_ http: HTTPDriver, key: String) async throws -> Seeded {
        var seeded = Seeded()
        var form = MultipartBody()
        form.file(filename: "rocket.jpg", try Fixture.bytes("rocket.jpg"), type: "image/jpeg")
        form.file(filename: "clip.webm", try Fixture.bytes("clip.webm"), type: "video/webm")
        form.field("comments", "seeded for Schemathesis")
        let media = try await http.json(
            .POST, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
        let documents = try await http.json(
            .POST, "/api/v1/ingest?collection=orders", key: key, contentType: "application/json",
            body: ByteBuffer(
                string: #"[{"sku":"a1","price":3.5,"tags":["x"]},{"sku":"b2","price":10,"tags":[],"note":"n"}]"#))
        for accepted in [media, documents] {
            seeded.objects += try #require(accepted["system_ids"] as? [String])
            seeded.jobs.append(try #require(accepted["job_id"] as? String))
        }
        for job in seeded.jobs {
            try await eventually(timeout: .seconds(120), "the seeded ingest \(job) to finish") {
                let status = try await http.json(.GET, "/api/v1/ingest/\(job)/status", key: key)["status"] as? String
                return ["done", "partial", "failed"].contains(status ?? "")
            }
        }
        seeded.collections = ["orders"]
        let proposals = try await http.json(.GET, "/api/v1/proposals", key: key)["proposals"] as? [[String: Any]]
        seeded.proposals = (proposals ?? []).compactMap { $0["id"] as? String }
        return seeded
    }

    /// Seeded values stand in for a path parameter in most generated requests (the rest stay
    /// random, to reach the 404s); no example database or cache, so runs do not learn from each other.
    static func configuration(_ seeded: Seeded) -> String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        var text = """
            hooks = "\(hooks.path)"

            [cache]
            enabled = false

            [generation]
            database = "none"

            [dictionaries.objects]
            values = \(list(seeded.objects))

            [dictionaries.jobs]
            values = \(list(seeded.jobs))

            [dictionaries.collections]
            values = \(list(seeded.collections))

            [[operations]]
            include-path-regex = "^/api/v1/objects/\\\\{id\\\\}"
            parameters = { "path.id" = { dictionary = "objects", probability = 0.8 } }

            [[operations]]
            include-path = "/api/v1/ingest/{jobId}/status"
            parameters = { "path.jobId" = { dictionary = "jobs", probability = 0.8 } }

            [[operations]]
            include-path-regex = "^/api/v1/collections/\\\\{name\\\\}"
            parameters = { "path.name" = { dictionary = "collections", probability = 0.8 } }

            """
        if !seeded.proposals.isEmpty {
            text += """

                [dictionaries.proposals]
                values = \(list(seeded.proposals))

                [[operations]]
                include-path-regex = "^/api/v1/proposals/\\\\{id\\\\}"
                parameters = { "path.id" = { dictionary = "proposals", probability = 0.5 } }

                """
        }
        return text
    }

    /// Runs Schemathesis to completion, its report in `output` (a file: a pipe nobody reads fills up).
    static func run(_ arguments: [String], output: URL) async throws -> (Int32, String) {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = schemathesis
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            try await eventually(timeout: .seconds(900), "Schemathesis to finish") { !process.isRunning }
        } catch {
            process.terminate()
            throw error
        }
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
