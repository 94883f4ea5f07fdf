@testable import DigittyServer
import DigittyVision
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// `PredictionChannelHandler` writes each answer as soon as it is computed but flushes once per event-loop turn,
/// after every connection that was ready has been handled.
@Suite("Answers flushed once per event-loop turn")
struct FlushConsolidationTests {
    static func channel() throws -> EmbeddedChannel {
        let server = PredictionServer(catalog: try ModelCatalog(models: try TestModels.pair()))
        var logger = Logger(label: "digitty.test")
        logger.logLevel = .critical
        return EmbeddedChannel(handler: PredictionChannelHandler(server: server, logger: logger))
    }

    /// Sends one `/predict` request, head, body and end, as the HTTP decoder hands it on.
    static func sendPrediction(to channel: EmbeddedChannel, model: String) throws {
        let png = PNG.encode(Drawings.seven())
        var head = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/predict?model=\(model)")
        head.headerFields[.contentType] = "image/png"
        head.headerFields[.contentLength] = String(png.count)
        try channel.writeInbound(HTTPRequestPart.head(head))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(bytes: png)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    /// The answers flushed so far, as (status, body) pairs.
    static func flushedAnswers(_ channel: EmbeddedChannel) throws -> [(status: Int, body: String)] {
        var answers: [(status: Int, body: String)] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let head): answers.append((head.status.code, ""))
            case .body(let buffer): answers[answers.count - 1].body += String(buffer: buffer)
            case .end: break
            }
        }
        return answers
    }

    @Test("answers computed in one turn leave together, in order, when the turn ends")
    func answersLeaveAtTheEndOfTheTurn() throws {
        let channel = try Self.channel()
        try Self.sendPrediction(to: channel, model: "alpha")
        try Self.sendPrediction(to: channel, model: "beta")
        try Self.sendPrediction(to: channel, model: "nope")
        #expect(try Self.flushedAnswers(channel).isEmpty, "nothing is flushed before the loop's turn ends")
        channel.embeddedEventLoop.run()
        let answers = try Self.flushedAnswers(channel)
        #expect(answers.map(\.status) == [200, 200, 404])
        #expect(answers.count == 3 && answers[0].body.contains(#""model":"alpha""#) && answers[1].body.contains(#""model":"beta""#))
        // The next turn's answer is flushed at the end of that turn.
        try Self.sendPrediction(to: channel, model: "alpha")
        channel.embeddedEventLoop.run()
        #expect(try Self.flushedAnswers(channel).map(\.status) == [200])
        _ = try channel.finish()
    }

    @Test("an answer written just before the handler leaves the pipeline is still flushed")
    func removalFlushes() throws {
        let channel = try Self.channel()
        try Self.sendPrediction(to: channel, model: "alpha")
        let handler = try channel.pipeline.syncOperations.handler(type: PredictionChannelHandler.self)
        try channel.pipeline.syncOperations.removeHandler(handler).wait()
        #expect(try Self.flushedAnswers(channel).map(\.status) == [200])
        channel.embeddedEventLoop.run()  // the scheduled flush finds nothing left to do
        #expect(try Self.flushedAnswers(channel).isEmpty)
        _ = try channel.finish()
    }
}
