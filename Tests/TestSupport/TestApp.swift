import App
import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Jobs
import Logging
import NIOCore
import Runtime
import Storage

/// A live server (real HTTP on loopback) over a fresh database and blob folder, with an admin
/// key and, when asked, in-process workers.
struct TestApp: Sendable {
    let catalog: CatalogDatabase
    let database: TestDatabase
    let storageRoot: URL
    let adminKey: String

    /// The application is the one `afa serve` runs, composed by the same `Runtime` functions,
    /// on a free port; `pipeline` replaces the standard stage graph.
    static func run(
        workers: Int = 2, maximumUploadBytes: Int = 64 << 20,
        configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
        pipeline makePipeline: (@Sendable (any BlobStore, ComputePool) -> Pipeline)? = nil,
        _ body: @Sendable (TestClientProtocol, TestApp) async throws -> Void
    ) async throws {
        try await withCatalog { catalog, database in
            let storageRoot = FileManager.default.temporaryDirectory.appending(path: "afa-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: storageRoot) }
            var configuration = try AppConfiguration(environment: [:])
            configuration.storagePath = storageRoot
            configuration.maximumUploadBytes = maximumUploadBytes
            configuration.workers.concurrency = workers
            configuration.workers.pollInterval = .milliseconds(200)
            // No model unless a test names one: a model a developer fetched into var/ stays out.
            configuration.embedding.modelDirectory = storageRoot.appending(path: "models")
            configure(&configuration)
            let processing = try Runtime.ProcessingSetup(
                configuration, catalog: catalog, logger: TestCluster.logger, compute: TestCluster.compute,
                pipeline: makePipeline)
            let app = Runtime.application(
                configuration, catalog: catalog, processing: processing, metrics: MetricsRegistry(),
                logger: TestCluster.logger)
            let adminKey = try await catalog.apiKeys.create(role: .admin, owner: "admin").key
            let testApp = TestApp(catalog: catalog, database: database, storageRoot: storageRoot, adminKey: adminKey)
            try await app.test(.live) { client in try await body(client, testApp) }
        }
    }

    func userKey(owner: String) async throws -> String {
        try await catalog.apiKeys.create(role: .user, owner: owner).key
    }
}

/// Builds multipart/form-data bodies the way curl does.
struct MultipartBody {
    let boundary = "----afa-test-\(UUID().uuidString)"
    private(set) var bytes: [UInt8] = []

    mutating func field(_ name: String, _ value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    mutating func field(_ name: String, bytes value: [UInt8]) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n")
        bytes += value
        append("\r\n")
    }

    mutating func file(
        _ name: String = "files[]", filename: String, _ content: [UInt8], type: String = "application/octet-stream"
    ) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n")
        append("Content-Type: \(type)\r\n\r\n")
        bytes += content
        append("\r\n")
    }

    func finished() -> ByteBuffer { ByteBuffer(bytes: bytes + Array("--\(boundary)--\r\n".utf8)) }
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    private mutating func append(_ text: String) { bytes += Array(text.utf8) }
}

extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, contentType: String? = nil, body: ByteBuffer? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    func ingest(_ form: MultipartBody, key: String) async throws -> TestResponse {
        try await call(.post, "/api/v1/ingest", key: key, contentType: form.contentType, body: form.finished())
    }

    /// Waits until the ingest job is finished (done, partial or failed) and returns its status.
    func waitForJob(_ jobID: String, key: String) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await eventually("job \(jobID) to finish") {
            let response = try await call(.get, "/api/v1/ingest/\(jobID)/status", key: key)
            last = try response.json()
            return ["done", "partial", "failed"].contains(last["status"] as? String ?? "")
        }
        return last
    }
}

extension TestResponse {
    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }
}

enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }

    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appending(path: name)
    }
}
