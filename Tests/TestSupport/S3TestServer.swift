import Foundation
import Storage
import Testing

/// moto's S3 API server (`scripts/setup.sh` installs it into .deps/moto) on a free loopback port:
/// the S3 store is tested against a real server over real HTTP. With `flaky`, the store talks to
/// it through `Tests/S3/flaky_s3_proxy.py`, which fails every third request.
final class S3TestServer: Sendable {
    static let moto = TestCluster.repositoryRoot.appending(path: ".deps/moto/bin/moto_server")
    static let python = TestCluster.repositoryRoot.appending(path: ".deps/moto/bin/python")
    static let flakyProxy = TestCluster.repositoryRoot.appending(path: "Tests/S3/flaky_s3_proxy.py")

    let server: AfaProcess
    let proxy: AfaProcess?
    /// Where the store sends its requests: the proxy when there is one.
    let port: Int
    /// The server itself, past the proxy.
    let directPort: Int

    private init(server: AfaProcess, proxy: AfaProcess?, port: Int, directPort: Int) {
        self.server = server
        self.proxy = proxy
        self.port = port
        self.directPort = directPort
    }

    static func run<T>(flaky: Bool = false, _ body: (S3TestServer) async throws -> T) async throws -> T {
        try #require(
            FileManager.default.isExecutableFile(atPath: moto.path),
            "moto is not installed at \(moto.path): run scripts/setup.sh")
        let serverPort = try freePort()
        let server = try AfaProcess(
            ["-H", "127.0.0.1", "-p", "\(serverPort)"], environment: [:], name: "moto", executable: moto)
        defer { server.kill9() }
        var proxy: AfaProcess?
        var port = serverPort
        if flaky {
            port = try freePort()
            proxy = try AfaProcess(
                [flakyProxy.path, "\(port)", "\(serverPort)"], environment: [:], name: "flaky-s3", executable: python)
        }
        defer { proxy?.kill9() }
        let direct = S3TestServer(server: server, proxy: nil, port: serverPort, directPort: serverPort)
        try await eventually(timeout: .seconds(60), "moto's S3 server to answer") {
            (try? await direct.makeStore(bucket: "readiness").createBucketIfMissing()) != nil
        }
        let s3 = S3TestServer(server: server, proxy: proxy, port: port, directPort: serverPort)
        if flaky {
            try await eventually(timeout: .seconds(60), "the flaky proxy to listen") {
                proxy?.output.contains("listening") == true
            }
        }
        return try await body(s3)
    }

    /// What `afa` reads to use a bucket of this server.
    func environment(bucket: String, prefix: String = "blobs", partSizeMiB: Int? = nil) -> [String: String] {
        var environment = [
            "STORAGE_BACKEND": "s3://\(bucket)/\(prefix)", "S3_ENDPOINT": "http://127.0.0.1:\(port)",
            "S3_FORCE_PATH_STYLE": "true", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        ]
        if let partSizeMiB { environment["S3_PART_SIZE_MB"] = "\(partSizeMiB)" }
        return environment
    }

    func settings(bucket: String, prefix: String = "blobs", partSizeMiB: Int? = nil) throws -> S3Settings {
        let environment = environment(bucket: bucket, prefix: prefix, partSizeMiB: partSizeMiB)
        return try S3Settings(location: environment["STORAGE_BACKEND"]!, environment: environment)
    }

    /// A store on `bucket` (created if missing), staging under a temporary folder.
    func makeStore(bucket: String, prefix: String = "blobs", partSizeMiB: Int? = nil) throws -> S3Store {
        try S3Store(
            settings: try settings(bucket: bucket, prefix: prefix, partSizeMiB: partSizeMiB),
            stagingRoot: FileManager.default.temporaryDirectory.appending(path: "afa-s3-staging").path)
    }

    /// How many requests the flaky proxy failed on purpose.
    var failuresInjected: Int {
        (proxy?.output ?? "").split(separator: "\n").filter { $0.hasPrefix("refused") || $0.hasPrefix("lost") }.count
    }
}
