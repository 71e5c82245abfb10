import Hummingbird
import NIOCore
import NIOHTTPTypes

/// `Expect: 100-continue`, answered only once the route has accepted the key and the request
/// (`AppRequestContext.acceptBody()`), so a client with a bad key learns it before uploading
/// rather than after (a bad key once uploaded 210 MB to get its 401). curl sends the header for
/// uploads over 1 MiB and otherwise waits a second before sending the body.
///
/// A final response sent without a `100 Continue` means the body will never come: the
/// connection is closed after that response instead of waiting for it.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Sent by a route (`triggerUserOutboundEvent`) when it is about to read the body.
    struct AcceptBody {}

    /// Per request read and not yet answered, oldest first (a pipelining client may send the
    /// next request before this one is answered): whether it still waits for `100 Continue`.
    private var awaitingContinue: [Bool] = []
    private var closeAfterResponse = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            awaitingContinue.append(head.headerFields[.expect]?.lowercased() == "100-continue")
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is AcceptBody else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if awaitingContinue.first == true {
            awaitingContinue[0] = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where awaitingContinue.first == true && head.status.kind != .informational:
            awaitingContinue[0] = false
            closeAfterResponse = true
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterResponse:
            closeAfterResponse = false
            if !awaitingContinue.isEmpty { awaitingContinue.removeFirst() }
            let written = context.writeAndFlush(data)
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            written.cascade(to: promise)
        case .end:
            if !awaitingContinue.isEmpty { awaitingContinue.removeFirst() }
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}
