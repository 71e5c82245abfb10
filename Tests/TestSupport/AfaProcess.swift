import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The real `afa` binary, started as a child process (built by `make test` before the tests).
final class AfaProcess: @unchecked Sendable {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["AFA_BIN"] { return URL(filePath: path) }
        return TestCluster.repositoryRoot.appending(path: ".build/debug/afa")
    }

    /// `afa worker` with a fixture pipeline (`Tests/FixtureWorker`), built beside `afa`.
    static var fixtureWorker: URL { binary.deletingLastPathComponent().appending(path: "afa-fixture-worker") }

    let process = Process()
    let log: URL

    init(_ arguments: [String], environment: [String: String], name: String, executable: URL = binary) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TimedOut(what: "the binary at \(executable.path) (run `swift build` first)")
        }
        log = FileManager.default.temporaryDirectory.appending(path: "afa-\(name)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "DATABASE_URL")
        merged.merge(environment) { $1 }
        process.environment = merged
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = TestCluster.repositoryRoot
        try process.run()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for a graceful exit.
    func stop() async throws -> Int32 {
        process.terminate()
        try await eventually(timeout: .seconds(60), "afa to exit") { !process.isRunning }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// Runs a short command to completion.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> (Int32, String) {
        let child = try AfaProcess(arguments, environment: environment, name: arguments.first ?? "cmd")
        try await eventually(timeout: .seconds(120), "afa \(arguments.joined(separator: " "))") {
            !child.process.isRunning
        }
        return (child.process.terminationStatus, child.output)
    }
}

/// A loopback port nobody listens on right now.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A client for a server started as a process.
struct HTTPDriver: Sendable {
    let base: String

    func request(
        _ method: HTTPMethod, _ path: String, key: String? = nil, contentType: String? = nil, body: ByteBuffer? = nil
    ) async throws -> (status: Int, body: ByteBuffer) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(body) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), try await response.body.collect(upTo: 64 << 20))
    }

    func json(
        _ method: HTTPMethod, _ path: String, key: String? = nil, contentType: String? = nil, body: ByteBuffer? = nil
    )
        async throws -> [String: Any]
    {
        let (_, data) = try await request(method, path, key: key, contentType: contentType, body: body)
        return (try JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:]
    }

    func waitUntilHealthy(_ server: AfaProcess) async throws {
        try await eventually(timeout: .seconds(120), "the server to answer /readyz") {
            guard server.process.isRunning else { throw TimedOut(what: "a server that exited:\n\(server.output)") }
            return (try? await request(.GET, "/readyz").status) == 200
        }
    }
}
