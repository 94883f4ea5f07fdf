@testable import DigittyServer
import NIOCore
import NIOEmbedded
import Testing

/// `FlushConsolidation` holds flushes to the end of the event loop's turn, and never loses a write to a close.
@Suite("Flushes held to the end of the event-loop turn")
struct FlushConsolidationTests {
    /// What has been flushed so far, as text.
    static func flushed(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test("writes flushed during a turn leave together, in order, when the turn ends")
    func flushesWaitForTheTurnToEnd() throws {
        let channel = EmbeddedChannel(handler: FlushConsolidation())
        for answer in ["one ", "two ", "three"] {
            channel.writeAndFlush(ByteBuffer(string: answer), promise: nil)
        }
        #expect(try Self.flushed(channel).isEmpty, "nothing leaves before the loop's turn ends")
        channel.embeddedEventLoop.run()
        #expect(try Self.flushed(channel) == "one two three")
        // The next turn's writes leave at the end of that turn.
        channel.writeAndFlush(ByteBuffer(string: "four"), promise: nil)
        #expect(try Self.flushed(channel).isEmpty)
        channel.embeddedEventLoop.run()
        #expect(try Self.flushed(channel) == "four")
        _ = try channel.finish()
    }

    @Test("a close flushes what is held before closing")
    func closeFlushesFirst() throws {
        let channel = EmbeddedChannel(handler: FlushConsolidation())
        var written = false
        channel.writeAndFlush(ByteBuffer(string: "last answer")).whenSuccess { written = true }
        #expect(!written, "held, not yet written")
        try channel.close().wait()
        #expect(try Self.flushed(channel) == "last answer")
        #expect(written)
        channel.embeddedEventLoop.run()  // the held flush finds nothing left to do
        #expect(try Self.flushed(channel).isEmpty)
    }

    @Test("leaving the pipeline flushes what is held")
    func removalFlushes() throws {
        let channel = EmbeddedChannel(handler: FlushConsolidation())
        channel.writeAndFlush(ByteBuffer(string: "answer"), promise: nil)
        let handler = try channel.pipeline.syncOperations.handler(type: FlushConsolidation.self)
        try channel.pipeline.syncOperations.removeHandler(handler).wait()
        #expect(try Self.flushed(channel) == "answer")
        _ = try channel.finish()
    }
}
