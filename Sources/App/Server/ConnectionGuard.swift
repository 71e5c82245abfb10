import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Per connection: the cap on open connections, the idle, header and body deadlines, and a
/// shutdown that always completes. Without it a silent or slow client held its connection for
/// ever, 20,000 of them exhausted the descriptors, and SIGTERM then waited on them.
///
/// - Over the cap: `503` with the JSON error, then closed.
/// - No request for `idleTimeout`: closed.
/// - Headers not complete `headerTimeout` after their first byte: `408`, closed.
/// - No body bytes for `bodyTimeout`: the request's body stream fails with `RequestTimedOut`
///   (the route answers `408` and removes what it staged); closed soon after in any case.
/// - Shutdown: a connection with no request in flight closes at once; one in flight gets
///   `shutdownGrace`.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// Before any byte of the next request.
        case idle
        case receivingHead
        case receivingBody
        /// The request is read; the route is working or writing its response.
        case responding
        case refused
    }

    private let limits: HTTPServerLimits
    private let counter: ConnectionCounter
    private var phase = Phase.idle
    private var counted = false
    private var deadline: Scheduled<Void>?
    private var closing = false

    init(limits: HTTPServerLimits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        admitted = counter.open(limit: limits.maximumConnections)
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private var admitted = true
    private var started = false

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard admitted else {
            phase = .refused
            Counter(label: "afa_http_connections_refused_total").increment()
            respondAndClose(
                context, .serviceUnavailable, code: "too_many_connections",
                "the server has too many open connections; try again shortly")
            return
        }
        // A new connection should send its request soon: the header deadline, silently.
        arm(context, after: limits.headerTimeout) { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        shutdownDeadline?.cancel()
        if counted {
            counted = false
            counter.close()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// A route may answer before it has read the whole request (a refusal), and a pipelining
    /// client may send the next request before the last answer: the connection is idle only
    /// when every request begun has been read and answered.
    private var requestsBegun = 0
    private var responsesFinished = 0
    /// Set on shutdown for a connection with a request in flight; never moved by later reads.
    private var shutdownDeadline: Scheduled<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .refused else { return }
        switch unwrapInboundIn(data) {
        case .head:
            phase = .receivingBody
            requestsBegun += 1
            armBodyDeadline(context)
        case .body:
            break
        case .end:
            phase = .responding
            disarm()
            if responsesFinished == requestsBegun { becomeIdle(context) }
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is BytesArrivedSignal.Event:
            switch phase {
            case .idle:
                phase = .receivingHead
                arm(context, after: limits.headerTimeout) {
                    Counter(label: "afa_http_timeouts_total", dimensions: [("phase", "headers")]).increment()
                    self.respondAndClose(
                        context, .requestTimeout, code: "request_timeout",
                        "the request headers did not arrive in time")
                }
            case .receivingBody:
                armBodyDeadline(context)
            case .receivingHead, .responding, .refused:
                break
            }
        case is ChannelShouldQuiesceEvent:
            switch phase {
            case .idle, .receivingHead, .refused:
                context.close(promise: nil)
            case .receivingBody, .responding:
                if shutdownDeadline == nil {
                    shutdownDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: limits.shutdownGrace) {
                        context.close(promise: nil)
                    }
                }
                context.fireUserInboundEventTriggered(event)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), phase != .refused {
            switch phase {
            case .idle, .receivingHead:
                // An answer with no request read: the decoder refused the bytes, and the
                // connection closes after it. No deadline may write a second answer.
                disarm()
                closing = true
            case .receivingBody, .responding, .refused:
                responsesFinished += 1
                if phase == .responding && responsesFinished == requestsBegun { becomeIdle(context) }
            }
        }
        context.write(data, promise: promise)
    }

    private func becomeIdle(_ context: ChannelHandlerContext) {
        phase = .idle
        arm(context, after: limits.idleTimeout) { context.close(promise: nil) }
    }

    private func armBodyDeadline(_ context: ChannelHandlerContext) {
        arm(context, after: limits.bodyTimeout) {
            Counter(label: "afa_http_timeouts_total", dimensions: [("phase", "body")]).increment()
            // The route reading the body sees the error, answers 408 and drops its staging
            // files; a route that is not reading it is closed after a short grace.
            context.fireErrorCaught(RequestTimedOut())
            self.arm(context, after: .seconds(2)) { context.close(promise: nil) }
        }
    }

    /// The connection's one deadline: arming replaces the previous one. Runs on the event
    /// loop; cancelled when the handler goes.
    private func arm(_ context: ChannelHandlerContext, after delay: TimeAmount, _ action: @escaping () -> Void) {
        disarm()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.deadline = nil
            action()
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }

    /// Only where no request is being answered (refused, or still reading headers), so this
    /// response cannot interleave with one from a route.
    private func respondAndClose(
        _ context: ChannelHandlerContext, _ status: HTTPResponse.Status, code: String, _ message: String
    ) {
        guard !closing else { return }
        closing = true
        disarm()
        let (head, body) = APIError(status, code: code, message).closingResponseParts
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// A request body stopped arriving for longer than the body timeout.
struct RequestTimedOut: Error, CustomStringConvertible {
    var description: String { "the request body stopped arriving" }
}
