@testable import DigittyServer
import NIOCore
import NIOEmbedded
import Testing

/// `FlushConsolidation` holds flushes to the end of the event loop's turn when the loop is busy, lets a lone
/// client's flush through at once, and never loses a write to a close.
@Suite("Flushes held to the end of the event-loop turn")
struct FlushConsolidationTests {
    /// `count` connections on one event loop, sharing its turns.
    static func connections(_ count: Int) -> (loop: EmbeddedEventLoop, channels: [EmbeddedChannel]) {
        let loop = EmbeddedEventLoop()
        let turns = FlushTurns(eventLoop: loop)
        return (loop, (0 ..< count).map { _ in EmbeddedChannel(handler: FlushConsolidation(turns: turns), loop: loop) })
    }

    /// What has been flushed on `channel` so far, as text.
    static func flushed(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test("a lone client's answer leaves at once")
    func loneFlushGoesThrough() throws {
        let (loop, channels) = Self.connections(1)
        for turn in 0 ..< 3 {
            channels[0].writeAndFlush(ByteBuffer(string: "answer \(turn)"), promise: nil)
            #expect(try Self.flushed(channels[0]) == "answer \(turn)")
            loop.run()
        }
    }

    @Test("when the loop is busy, answers leave together, in order, at the end of the turn")
    func busyTurnsHoldFlushes() throws {
        let (loop, channels) = Self.connections(3)
        // The first flush of a turn after a quiet one leaves at once; the next ones in the same turn wait.
        channels[0].writeAndFlush(ByteBuffer(string: "a1"), promise: nil)
        channels[1].writeAndFlush(ByteBuffer(string: "b1"), promise: nil)
        channels[1].writeAndFlush(ByteBuffer(string: " b2"), promise: nil)
        #expect(try Self.flushed(channels[0]) == "a1")
        #expect(try Self.flushed(channels[1]).isEmpty)
        loop.run()
        #expect(try Self.flushed(channels[1]) == "b1 b2")
        // After a busy turn, even the first flush of the next turn waits for the turn's end.
        for (index, channel) in channels.enumerated() { channel.writeAndFlush(ByteBuffer(string: "c\(index)"), promise: nil) }
        #expect(try channels.map { try Self.flushed($0) } == ["", "", ""])
        loop.run()
        #expect(try channels.map { try Self.flushed($0) } == ["c0", "c1", "c2"])
        // A lone flush after that busy turn waits once more; from then on the loop counts as quiet again.
        channels[2].writeAndFlush(ByteBuffer(string: "d"), promise: nil)
        loop.run()
        #expect(try Self.flushed(channels[2]) == "d")
        channels[2].writeAndFlush(ByteBuffer(string: "e"), promise: nil)
        #expect(try Self.flushed(channels[2]) == "e")
    }

    @Test("a close flushes what is held before closing")
    func closeFlushesFirst() throws {
        let (_, channels) = Self.connections(2)
        channels[0].writeAndFlush(ByteBuffer(string: "first"), promise: nil)
        var written = false
        channels[1].writeAndFlush(ByteBuffer(string: "last answer")).whenSuccess { written = true }
        #expect(!written, "held, not yet written")
        try channels[1].close().wait()
        #expect(try Self.flushed(channels[1]) == "last answer")
        #expect(written)
    }

    @Test("leaving the pipeline flushes what is held")
    func removalFlushes() throws {
        let (loop, channels) = Self.connections(2)
        channels[0].writeAndFlush(ByteBuffer(string: "first"), promise: nil)
        channels[1].writeAndFlush(ByteBuffer(string: "answer"), promise: nil)
        let handler = try channels[1].pipeline.syncOperations.handler(type: FlushConsolidation.self)
        try channels[1].pipeline.syncOperations.removeHandler(handler).wait()
        #expect(try Self.flushed(channels[1]) == "answer")
        loop.run()  // the held flush finds nothing left to do
        #expect(try Self.flushed(channels[1]).isEmpty)
    }
}
