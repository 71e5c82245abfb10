import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel with this service's connection handling: the byte signal
/// before the decoder, then (after it) JSON bodies for
/// framing errors, the connection guard and the deferred `100 Continue`.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, limits: HTTPServerLimits, counter: ConnectionCounter) {
        base = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [
                ParserErrorBody(), ConnectionGuard(limits: limits, counter: counter), ExpectContinueHandler(),
            ]))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(BytesArrivedSignal(), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    static func guardedHTTP1(limits: HTTPServerLimits) -> HTTPServerBuilder {
        let counter = ConnectionCounter()
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, limits: limits, counter: counter)
        }
    }
}
