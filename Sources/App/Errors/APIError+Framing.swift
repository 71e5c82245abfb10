import Hummingbird
import NIOHTTP1

extension APIError {
    /// A request whose framing the HTTP decoder refused: bad chunk sizes, a body cut short by a
    /// half-close, both `Content-Length` and `Transfer-Encoding`, an unknown method, a NUL in
    /// a header. They were answered `500` (mid-body) or with an empty `400` (before the route).
    init(parserError: HTTPParserError) {
        switch parserError {
        case .headerOverflow:
            self.init(
                .requestHeaderFieldsTooLarge, code: "headers_too_large", "the request headers are too large or too many"
            )
        case .invalidEOFState:
            self.init(.badRequest, code: "malformed_http", "the connection ended before the request was complete")
        case .invalidChunkSize:
            self.init(.badRequest, code: "malformed_http", "invalid chunk size in a chunked request body")
        case .unexpectedContentLength:
            self.init(
                .badRequest, code: "malformed_http",
                "conflicting Content-Length or Transfer-Encoding headers in the request")
        case .invalidMethod:
            self.init(.badRequest, code: "malformed_http", "unknown request method")
        default:
            self.init(.badRequest, code: "malformed_http", "the request is not valid HTTP/1.1")
        }
    }

    static let requestTimedOut = APIError(
        .requestTimeout, code: "request_timeout", "the request body stopped arriving; the upload was discarded")
}
