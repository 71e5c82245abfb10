import Foundation
import Hummingbird
import NIOCore
import WireTypes

/// Every error a client sees: a status and `{"error":{"code","message"}}`.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// A frozen schema's reasons for refusing documents (422 `schema_violation`).
    public var violations: [ErrorEnvelope.Violation]?

    public init(
        _ status: HTTPResponse.Status, code: String, _ message: String, violations: [ErrorEnvelope.Violation]? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.violations = violations
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        // After a framing error or a timeout the rest of the stream cannot be trusted.
        if closesConnection { headers[.connection] = "close" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: jsonBody))
    }

    /// `{"error":{"code","message"}}`, also written by channel handlers that answer on their own.
    var jsonBody: ByteBuffer {
        let data =
            (try? JSONEncoder().encode(ErrorEnvelope(code: code, message: message, violations: violations))) ?? Data()
        return ByteBuffer(bytes: data)
    }

    var closesConnection: Bool { Self.framingCodes.contains(code) }

    static let framingCodes: Set<String> = ["malformed_http", "request_timeout", "headers_too_large"]

    /// The error as HTTP parts, for channel handlers that answer before (or instead of) a route;
    /// the connection closes after it.
    var closingResponseParts: (head: HTTPResponse, body: ByteBuffer) {
        let body = jsonBody
        let head = HTTPResponse(
            status: status,
            headerFields: [
                .contentType: "application/json", .contentLength: String(body.readableBytes), .connection: "close",
            ])
        return (head, body)
    }
}

extension APIError {
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code: code, message) }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", "\(what) not found") }
    static let unauthorized = APIError(
        .unauthorized, code: "unauthorized", "a valid API key is required: send `Authorization: Bearer <key>`")
    static let forbidden = APIError(.forbidden, code: "forbidden", "this API key may not do that")
    static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "payload_too_large", "the request body is larger than the limit of \(limit) bytes")
    }
}
