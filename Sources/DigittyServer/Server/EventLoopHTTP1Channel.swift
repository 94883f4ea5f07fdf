import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1.1 connections, each handled on its own event loop (see `EventLoopExecutor`) rather than on Swift's
/// cooperative pool. The HTTP handling is Hummingbird's `HTTP1Channel`, with `POST /predict` answered by a
/// `PredictionChannelHandler` in its pipeline and flushes held to the end of the event loop's turn by a
/// `FlushConsolidation` next to the socket.
struct EventLoopHTTP1Channel: ServerChildChannel {
    /// The HTTP/1.1 channel whose handling runs on the event loops.
    let http: HTTP1Channel
    /// The server whose predictions the pipeline answers.
    let server: PredictionServer
    /// Where the predictions' access log lines go.
    let accessLogger: Logger
    /// The turns of the server's event loops, for holding flushes to the end of a turn.
    let flushTurns: EventLoopFlushTurns

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http.setup(channel: channel, logger: logger).flatMapThrowing { [server, accessLogger, flushTurns] value in
            let pipeline = channel.pipeline.syncOperations
            let connectionState = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(PredictionChannelHandler(server: server, logger: accessLogger), position: .after(connectionState))
            try pipeline.addHandler(FlushConsolidation(turns: flushTurns.turns(of: channel.eventLoop)), position: .first)
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopExecutor(value.channel.eventLoop)) {
            await http.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1.1 server whose connections are handled on their event loops, with `server`'s predictions
    /// answered in the channel pipeline.
    static func http1OnEventLoops(configuration: HTTP1Channel.Configuration, server: PredictionServer,
                                  accessLogger: Logger, eventLoopGroup: any EventLoopGroup) -> HTTPServerBuilder {
        let flushTurns = EventLoopFlushTurns(group: eventLoopGroup)
        return HTTPServerBuilder { responder in
            EventLoopHTTP1Channel(http: HTTP1Channel(responder: responder, configuration: configuration),
                                  server: server, accessLogger: accessLogger, flushTurns: flushTurns)
        }
    }
}
