import NIOCore
import NIOHTTPTypes

/// Bounds slow request bodies (issue 13): a connection whose request is not read to its end within `deadline` of the
/// read that brought its head (a client trickling its body) is closed. One answered before its body ended (413
/// `limit-exceeded`, 503 `request-timeout`) is half-closed after the answer: the client reads it and end-of-file and
/// stops sending, while what it already sent is still read and dropped (closing at once would reset the connection and
/// could lose the answer), until the client closes or the deadline does. Slow headers are bounded by the idle timeout
/// (`APILimits.idleTimeout`), which runs until a complete head arrives.
final class RequestReadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let deadline: TimeAmount
    private var reading = false
    private(set) var timer: Scheduled<Void>?

    init(deadline: TimeAmount) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            timer?.cancel()
            timer = nil
        case .end:
            reading = false
            timer?.cancel()
            timer = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    /// The deadline starts when a read leaves a request unfinished: one that came whole in the read of its head
    /// (nearly all) arms no timer at all, which cost a scheduled task and its cancellation per request.
    func channelReadComplete(context: ChannelHandlerContext) {
        if reading && timer == nil {
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [weak self] in
                guard let self, self.reading else { return }
                context.close(promise: nil)
            }
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard reading, case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        context.writeAndFlush(data, promise: promise)
        context.close(mode: .output, promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension RequestReadDeadline: Sendable {}
