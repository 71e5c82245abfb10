import Catalog
import Foundation
import NIOCore
import Testing

@testable import TestSupport

/// Finding 3 of the hardening review, against the real binary: silent, slow and stalled
/// clients held connections for ever, 20,000 of them exhausted the descriptors, and SIGTERM
/// was then ignored.
@Suite(.serialized) struct ConnectionHygieneTests {
    struct Server: Sendable {
        let process: AfaProcess
        let http: HTTPDriver
        let raw: RawHTTP
        let key: String
    }

    func withServer(
        _ settings: [String: String] = [:], _ body: @Sendable (Server) async throws -> Void
    ) async throws {
        try await withCatalog { catalog, database in
            let port = try freePort()
            let data = FileManager.default.temporaryDirectory.appending(path: "afa-conn-\(UUID().uuidString)")
            let environment =
                ["AFA_DATA": data.path, "PORT": "\(port)", "DATABASE_URL": database.url, "WORKER_THREADS": "1"]
                .merging(settings) { $1 }
            let process = try AfaProcess(["serve"], environment: environment, name: "connections")
            let http = HTTPDriver(base: "http://127.0.0.1:\(port)")
            try await http.waitUntilHealthy(process)
            let key = try await catalog.apiKeys.create(role: .user, owner: "conn").key
            try await body(Server(process: process, http: http, raw: RawHTTP(port: port), key: key))
        }
    }

    /// A client that sends a header line every 500 ms and never finishes.
    static func slowloris(_ raw: RawHTTP) async throws -> Task<Void, Never> {
        let channel = try await raw.connect()
        return Task {
            try? await channel.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: "POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\n"))
                var index = 0
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(500))
                    try await outbound.write(ByteBuffer(string: "X-Slow-\(index): yes\r\n"))
                    index += 1
                }
            }
        }
    }

    @Test func idleAndSlowClientsDoNotStopANormalOneAndShutdownCompletes() async throws {
        try await withServer { server in
            var idle: [NIOAsyncChannel<ByteBuffer, ByteBuffer>] = []
            for _ in 0..<200 { idle.append(try await server.raw.connect()) }
            var slow: [Task<Void, Never>] = []
            for _ in 0..<20 { slow.append(try await Self.slowloris(server.raw)) }
            defer { slow.forEach { $0.cancel() } }

            for round in 0..<3 {
                let started = ContinuousClock.now
                let (status, body) = try await server.http.request(
                    .POST, "/api/v1/ingest", key: server.key, contentType: "application/json",
                    body: ByteBuffer(string: #"{"round":\#(round)}"#))
                #expect(status == 202)
                let accepted = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                let id = try #require((accepted?["system_ids"] as? [String])?.first)
                #expect(
                    try await server.http.request(.GET, "/api/v1/objects/\(id)/content", key: server.key).status == 200)
                let elapsed = ContinuousClock.now - started
                #expect(elapsed < .seconds(1), "ingest and read took \(elapsed) beside 220 idle and slow clients")
            }

            let stopping = ContinuousClock.now
            let status = try await server.process.stop()
            let shutdown = ContinuousClock.now - stopping
            #expect(status == 0)
            #expect(shutdown < .seconds(10), "SIGTERM took \(shutdown) with 220 connections open")
            #expect(!server.process.output.contains("leaked its continuation"))
            for channel in idle { try? await channel.channel.close() }
        }
    }

    /// An upload that trickles a byte a second (inside the body timeout) must not hold SIGTERM:
    /// requests in flight get the shutdown grace, which later bytes do not extend.
    @Test func aTricklingUploadDoesNotHoldShutdown() async throws {
        try await withServer { server in
            let channel = try await server.raw.connect()
            let trickle = Task {
                try? await channel.executeThenClose { _, outbound in
                    try await outbound.write(
                        ByteBuffer(
                            bytes: RawHTTP.request(
                                "POST", "/api/v1/ingest", key: server.key,
                                headers: ["Content-Type: application/json", "Content-Length: 100000"])))
                    while !Task.isCancelled {
                        try await outbound.write(ByteBuffer(string: " "))
                        try await Task.sleep(for: .seconds(1))
                    }
                }
            }
            defer { trickle.cancel() }
            try await Task.sleep(for: .seconds(2))  // the upload is under way, not a synchronisation
            let stopping = ContinuousClock.now
            #expect(try await server.process.stop() == 0)
            let shutdown = ContinuousClock.now - stopping
            #expect(shutdown < .seconds(10), "SIGTERM took \(shutdown) beside a trickling upload")
        }
    }

    /// Two requests in one write (HTTP/1.1 pipelining) get two answers, in order.
    @Test func pipelinedRequestsAreBothAnswered() async throws {
        try await withServer { server in
            let channel = try await server.raw.connect()
            let text = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(
                    ByteBuffer(bytes: RawHTTP.request("GET", "/healthz") + RawHTTP.request("GET", "/readyz")))
                var received = ""
                var iterator = inbound.makeAsyncIterator()
                while !received.contains(#""status":"ready""#), let chunk = try await iterator.next() {
                    received += String(buffer: chunk)
                }
                return received
            }
            #expect(text.contains(#"{"status":"ok"}"#) && text.contains(#""status":"ready""#))
        }
    }

    @Test func silentSlowAndStalledClientsAreCutWithAReason() async throws {
        let settings = [
            "HTTP_HEADER_TIMEOUT_SECONDS": "1", "HTTP_BODY_TIMEOUT_SECONDS": "1", "HTTP_IDLE_TIMEOUT_SECONDS": "2",
        ]
        try await withServer(settings) { server in
            // A silent connection is closed: reading it ends.
            let silent = try await server.raw.connect()
            try await silent.executeThenClose { inbound, _ in
                let response = try await RawHTTP.readResponse(inbound, timeout: .seconds(10))
                #expect(response.status == 0, "closed without a response")
            }

            // Headers that never finish get 408 with the JSON error.
            let slow = try await server.raw.connect()
            try await slow.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n"))
                let response = try await RawHTTP.readResponse(inbound, timeout: .seconds(10))
                #expect(response.status == 408)
                #expect(response.errorCode == "request_timeout")
            }

            // An upload that stalls is cut with 408, and its staging file is removed.
            var form = MultipartBody()
            form.file(filename: "big.png", try Fixture.bytes("chelsea.png"))
            let bytes = Array(form.finished().readableBytesView)
            let head = RawHTTP.request(
                "POST", "/api/v1/ingest", key: server.key, headers: ["Content-Type: \(form.contentType)"], body: bytes)
            let stalled = try await server.raw.connect()
            try await stalled.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: head.prefix(head.count - bytes.count / 2)))
                let response = try await RawHTTP.readResponse(inbound, timeout: .seconds(10))
                #expect(response.status == 408)
                #expect(response.errorCode == "request_timeout")
            }
            let staging = URL(filePath: server.process.process.environment!["AFA_DATA"]!).appending(
                path: "blobs/.staging")
            try await eventually("the stalled upload's staging file to be removed") {
                (try? FileManager.default.contentsOfDirectory(atPath: staging.path))?.isEmpty ?? true
            }
            #expect(try await server.http.request(.GET, "/healthz").status == 200)
        }
    }

    @Test func connectionsOverTheCapAreRefusedClearly() async throws {
        try await withServer(["HTTP_MAX_CONNECTIONS": "20"]) { server in
            var held: [NIOAsyncChannel<ByteBuffer, ByteBuffer>] = []
            for _ in 0..<20 { held.append(try await server.raw.connect()) }
            // The 21st is answered 503 with the JSON error and closed.
            let refused = try await server.raw.send(RawHTTP.request("GET", "/healthz"))
            #expect(refused.status == 503)
            #expect(refused.errorCode == "too_many_connections")
            for channel in held { try await channel.channel.close() }
            try await eventually("a connection to be accepted again") {
                (try? await server.raw.send(RawHTTP.request("GET", "/healthz")).status) == 200
            }
        }
    }
}
