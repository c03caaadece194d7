import NIOCore
import NIOHTTPTypes

/// Bounds slow request bodies (issue 13): a connection whose request is not read to its end within `deadline` of
/// its head (a client trickling its body) is closed, and so is one answered before its body ended (413
/// `limit-exceeded`, 503 `request-timeout`) instead of reading and dropping the rest. Slow headers are bounded by
/// the idle timeout (`APILimits.idleTimeout`), which runs until a complete head arrives.
final class RequestReadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let deadline: TimeAmount
    private var reading = false
    private var timer: Scheduled<Void>?

    init(deadline: TimeAmount) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [weak self] in
                guard let self, self.reading else { return }
                context.close(promise: nil)
            }
        case .end:
            reading = false
            timer?.cancel()
            timer = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard reading, case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        context.writeAndFlush(data, promise: promise)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension RequestReadDeadline: Sendable {}
