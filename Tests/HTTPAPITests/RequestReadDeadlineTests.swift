import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import HTTPAPI

/// `RequestReadDeadline` on an embedded channel whose clock the test moves: slow bodies and early answers close the
/// connection; a request read to its end keeps it.
@Suite("HTTP API: the request read deadline")
struct RequestReadDeadlineTests {
    static let head = HTTPRequest(method: .post, scheme: nil, authority: "x", path: "/v1/persons")

    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestReadDeadline(deadline: .seconds(5)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test("A body still arriving at the deadline closes the connection")
    func slowBody() throws {
        let channel = try channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.head))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "{")))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: " ")))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive, "the deadline runs from the head, not from the last byte")
    }

    @Test("A request read to its end keeps the connection past the deadline")
    func completeRequest() throws {
        let channel = try channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.head))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .created)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("An answer sent before the body ended (413) is written, then the deadline still closes the connection")
    func earlyAnswer() throws {
        let channel = try channel()
        try channel.writeInbound(HTTPRequestPart.head(Self.head))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .contentTooLarge)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        let written = try channel.readOutbound(as: HTTPResponsePart.self)
        #expect(written == .head(HTTPResponse(status: .contentTooLarge)), "the answer went out")
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        // The half-close is a socket shutdown (an embedded channel has none); the body left unread is bounded by
        // the deadline all the same.
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "more")))
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }

    @Test("A request that comes whole in one read arms no timer; one left unfinished by its read arms it")
    func timerOnlyForUnfinishedReads() throws {
        let handler = RequestReadDeadline(deadline: .seconds(5))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.pipeline.fireChannelRead(HTTPRequestPart.head(Self.head))
        #expect(handler.timer == nil, "not armed by the head itself")
        channel.pipeline.fireChannelRead(HTTPRequestPart.body(ByteBuffer(string: "{}")))
        channel.pipeline.fireChannelRead(HTTPRequestPart.end(nil))
        channel.pipeline.fireChannelReadComplete()
        #expect(handler.timer == nil)
        channel.pipeline.fireChannelRead(HTTPRequestPart.head(Self.head))
        channel.pipeline.fireChannelReadComplete()
        #expect(handler.timer != nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }
}
