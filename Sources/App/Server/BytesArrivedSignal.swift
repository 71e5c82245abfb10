import NIOCore

/// First in the pipeline, before the HTTP decoder: tells `ConnectionGuard` that bytes arrived,
/// which the decoded HTTP parts cannot (a slowloris client sends headers a byte at a time and
/// never produces a part; a stalled upload produces no body part).
final class BytesArrivedSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct Event {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(Event())
        context.fireChannelRead(data)
    }
}
