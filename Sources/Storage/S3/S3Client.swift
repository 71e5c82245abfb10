import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Signed requests to one bucket, each retried the way S3 asks (see `S3RetryPolicy`).
///
/// Every request body is a buffer in memory (a part of an upload at most), so a retry can send
/// it again as it was; a response body is either collected (small answers) or handed over still
/// streaming (reads of blobs).
struct S3Client: Sendable {
    let settings: S3Settings
    let signer: SigV4Signer
    let retry: S3RetryPolicy
    let http: HTTPClient

    /// One pool of connections for the process, never shut down: every store and every task shares
    /// its keep-alive connections. The read timeout ends a stalled transfer (which is then retried);
    /// there is no overall deadline worth the name, since a part or a video may take long on a slow line.
    static let sharedHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32),
            decompression: .disabled))
    static let transferTimeout: TimeAmount = .hours(6)

    init(settings: S3Settings, http: HTTPClient = Self.sharedHTTPClient) {
        self.settings = settings
        self.signer = SigV4Signer(credentials: settings.credentials, region: settings.region)
        self.retry = S3RetryPolicy(maxAttempts: settings.maxAttempts)
        self.http = http
    }

    struct Request: Sendable {
        var method: HTTPMethod
        /// The object's full key (with the store's prefix); nil for a request on the bucket.
        var objectKey: String?
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var body: ByteBuffer?
        /// For errors and logs: "PUT raw/ab/cd/…".
        var operation: String { "\(method.rawValue) \(objectKey ?? "bucket")" }

        init(
            _ method: HTTPMethod, _ objectKey: String?, query: [(String, String)] = [],
            headers: [(String, String)] = [],
            body: ByteBuffer? = nil
        ) {
            self.method = method
            self.objectKey = objectKey
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    struct Response: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer

        /// A copy or a completion can fail after its 200 was sent: the error is then the body.
        /// (The successful answer's name varies between servers, so only `Error` is looked for.)
        var isErrorInBody: Bool { S3XML.parse(Data(body.readableBytesView))?.name == "Error" }
    }

    /// Sends `request` and collects the answer's body (at most `bodyLimit` bytes). A status outside
    /// `accept` is an `S3Error` once the retries, if it deserves them, are spent.
    func send(_ request: Request, accept: Set<Int> = [200], bodyLimit: Int = 8 << 20) async throws -> Response {
        let response = try await open(request, accept: accept)
        let body = try await response.body.collect(upTo: bodyLimit)
        return Response(status: Int(response.status.code), headers: response.headers, body: body)
    }

    /// Sends `request` and returns the answer with its body still to be read (a blob's bytes).
    func open(_ request: Request, accept: Set<Int>) async throws -> HTTPClientResponse {
        var attempt = 1
        while true {
            switch try await send(request, accept: accept) {
            case .answered(let response):
                return response
            case .failed(let failure):
                guard attempt < retry.maxAttempts else { throw failure }
                try await Task.sleep(for: retry.delay(after: attempt))
                attempt += 1
            }
        }
    }

    private enum Attempt {
        case answered(HTTPClientResponse)
        /// A failure worth another try.
        case failed(S3Error)
    }

    /// One try: an accepted answer, a failure to retry, or (thrown) one that no retry would mend.
    private func send(_ request: Request, accept: Set<Int>) async throws -> Attempt {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(signed(request), timeout: Self.transferTimeout)
        } catch {
            let failure = S3Error(operation: request.operation, unreachable: "\(error)")
            guard S3RetryPolicy.isRetryable(error), !Task.isCancelled else { throw failure }
            return .failed(failure)
        }
        let status = Int(response.status.code)
        if accept.contains(status) { return .answered(response) }
        let failure = S3Error(
            operation: request.operation, status: status, body: try? await response.body.collect(upTo: 1 << 20))
        guard S3RetryPolicy.isRetryable(status: status, code: failure.code) else { throw failure }
        return .failed(failure)
    }

    /// The request as sent: addressed, and signed now (a retry is signed anew, so its date is fresh).
    private func signed(_ request: Request) -> HTTPClientRequest {
        let address = S3Address(settings, objectKey: request.objectKey)
        let query = SigV4Signer.canonicalQuery(request.query)
        var outgoing = HTTPClientRequest(url: address.url + (query.isEmpty ? "" : "?" + query))
        outgoing.method = request.method
        let payloadHash =
            request.body.map { $0.withUnsafeReadableBytes { SHA256.hash(data: $0) }.hexString } ?? Self.emptyPayloadHash
        let headers = [("host", address.host)] + request.headers
        let signature = signer.sign(
            method: request.method.rawValue, host: address.host, path: address.path, query: request.query,
            headers: headers, payloadHash: payloadHash, date: Date())
        for (name, value) in headers + signature { outgoing.headers.replaceOrAdd(name: name, value: value) }
        if let body = request.body {
            outgoing.body = .bytes(body)
        } else if [.PUT, .POST].contains(request.method) {
            outgoing.headers.replaceOrAdd(name: "content-length", value: "0")
        }
        return outgoing
    }

    static let emptyPayloadHash = SHA256.hash(data: [UInt8]()).hexString
}
