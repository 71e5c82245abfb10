import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// When the HTTP decoder refuses a request before any route sees it, Hummingbird answers an
/// empty `400` and closes. This gives that answer the API's status and JSON error instead
/// (`431` for headers too large or too many). Refusals inside a route (mid-body) already go
/// through `ErrorMiddleware`; their response has a body and passes unchanged.
final class ParserErrorBody: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var parserError: HTTPParserError?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { parserError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head)
        where head.status == .badRequest && head.headerFields[.contentLength] == "0" && parserError != nil:
            let (replacement, body) = APIError(parserError: parserError!).closingResponseParts
            parserError = nil
            context.write(wrapOutboundOut(.head(replacement)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}
