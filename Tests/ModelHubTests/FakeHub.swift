import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A local stand-in for huggingface.co serving the tiny fixture checkpoint as repository `tiny/clip`.
///
/// Like the hub, small files come straight back with their git blob id as `ETag`; `model.safetensors` (an LFS file)
/// is a `302` to a "CDN" path with `X-Linked-Etag`/`X-Linked-Size`, and the CDN refuses `HEAD` as presigned links do.
final class FakeHub: Sendable {
    enum Fault: Sendable {
        case none
        /// The first full `GET` of the checkpoint sends half the bytes, then the connection drops.
        case dropFirstCheckpointHalfway
        /// The CDN serves the checkpoint with one byte flipped, under the right etag.
        case corruptCheckpoint
    }

    struct Served: Sendable {
        var method: String
        var path: String
        var range: String?
    }

    static let repository = "tiny/clip"
    static let fixtures = Bundle.module.url(forResource: "Fixtures/tiny", withExtension: nil)!

    let files: [String: Data]
    private let state: Mutex<(fault: Fault, served: [Served])>

    init(fault: Fault = .none, omitting omitted: Set<String> = []) throws {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        where !omitted.contains(name) {
            files[name] = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        }
        self.files = files
        self.state = Mutex((fault, []))
    }

    var fault: Fault {
        get { state.withLock { $0.fault } }
        set { state.withLock { $0.fault = newValue } }
    }

    var served: [Served] { state.withLock { $0.served } }

    /// Runs the hub on a free port of 127.0.0.1 for the duration of `body`, which gets the hub's base URL.
    @discardableResult
    func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        let resolvePath: RouterPath = "/{org}/{name}/resolve/{revision}/{file}"
        router.get(resolvePath) { request, context in try self.resolve(request, context) }
        router.head(resolvePath) { request, context in try self.resolve(request, context) }
        router.get("/cdn/{file}") { request, context in try self.cdn(request, context) }
        router.head("/cdn/{file}") { request, _ in
            self.record(request, range: nil)
            return Response(status: .forbidden)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "fake-hub", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            return try await body(URL(string: "http://127.0.0.1:\(port)")!)
        }
    }

    private func record(_ request: Request, range: String?) {
        state.withLock { $0.served.append(Served(method: "\(request.method)", path: request.uri.path, range: range)) }
    }

    private func resolve(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        record(request, range: request.headers[.range])
        let repository = "\(context.parameters.get("org") ?? "")/\(context.parameters.get("name") ?? "")"
        guard repository == Self.repository, context.parameters.get("revision") == "main",
            let name = context.parameters.get("file"), let content = files[name]
        else { return Response(status: .notFound) }
        if name == "model.safetensors" {
            let digest = Self.sha256(content)
            var headers = HTTPFields()
            // Absolute, as the hub's links to its CDN are.
            headers[.location] = "http://\(request.head.authority ?? "")/cdn/\(digest)"
            headers[.eTag] = "\"\(digest)\""
            headers[HTTPField.Name("X-Linked-Etag")!] = "\"\(digest)\""
            headers[HTTPField.Name("X-Linked-Size")!] = "\(content.count)"
            return Response(status: .found, headers: headers)
        }
        return serve(content, request: request, etag: Self.gitBlobID(content))
    }

    private func cdn(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let range = request.headers[.range]
        record(request, range: range)
        guard var content = files["model.safetensors"], context.parameters.get("file") == Self.sha256(content) else {
            return Response(status: .notFound)
        }
        switch fault {
        case .none:
            break
        case .corruptCheckpoint:
            content[content.count / 2] ^= 0xFF
        case .dropFirstCheckpointHalfway where range == nil:
            fault = .none
            let half = ByteBuffer(bytes: content.prefix(content.count / 2))
            let body = ResponseBody(contentLength: content.count) { writer in
                try await writer.write(half)
                throw CancellationError()
            }
            return Response(status: .ok, headers: [.eTag: "\"cdn-object-1\""], body: body)
        case .dropFirstCheckpointHalfway:
            break
        }
        return serve(content, request: request, etag: "cdn-object-1")
    }

    /// The body, or the tail a `Range: bytes=N-` asks for.
    private func serve(_ content: Data, request: Request, etag: String) -> Response {
        var headers: HTTPFields = [.eTag: "\"\(etag)\"", .acceptRanges: "bytes"]
        var status = HTTPResponse.Status.ok
        var slice = content[...]
        if let range = request.headers[.range], range.hasPrefix("bytes="), range.hasSuffix("-"),
            let start = Int(range.dropFirst("bytes=".count).dropLast())
        {
            guard start < content.count else {
                headers[.contentRange] = "bytes */\(content.count)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            status = .partialContent
            slice = content[(content.startIndex + start)...]
            headers[.contentRange] = "bytes \(start)-\(content.count - 1)/\(content.count)"
        }
        if request.method == .head {
            headers[.contentLength] = "\(slice.count)"
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: slice)))
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func gitBlobID(_ data: Data) -> String {
        Insecure.SHA1.hash(data: Data("blob \(data.count)\0".utf8) + data).map { String(format: "%02x", $0) }.joined()
    }
}
