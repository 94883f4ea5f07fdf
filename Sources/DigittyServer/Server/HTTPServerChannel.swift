import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// How each accepted connection is set up for Hummingbird's `Server` (which binds, accepts and shuts down
/// gracefully): NIO's HTTP/1.1 decoder and encoder, the server's `HTTPConnection` that answers every request, and
/// next to the socket `FlushConsolidation`, which holds flushes to the end of a busy event loop's turn.
struct HTTPServerChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
    }

    let server: PredictionServer
    let logger: Logger
    private let flushTurns: PerEventLoop<FlushTurns>
    private let connections: PerEventLoop<ConnectionTable>

    /// Connections on the event loops of `eventLoopGroup`, whose open connections are capped at
    /// `server.limits.maxConnections` in all, shared evenly between the loops, and at the open-file limit.
    init(server: PredictionServer, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.server = server
        self.logger = logger
        flushTurns = PerEventLoop(group: eventLoopGroup) { FlushTurns(eventLoop: $0) }
        // Descriptors kept for the listening socket, model files, standard streams and the like.
        let maxConnections = min(server.limits.maxConnections, max(1, OpenFileLimit.current - 64))
        let capacity = (maxConnections + flushTurns.count - 1) / max(1, flushTurns.count)
        connections = PerEventLoop(group: eventLoopGroup) { _ in ConnectionTable(capacity: capacity) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var headLimits = NIOHTTPDecoderLimitConfiguration()
            headLimits.maxHeaderListSize = server.limits.maxHeadBytes
            headLimits.maxHeaderFieldSize = server.limits.maxHeadBytes
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(FlushConsolidation(turns: flushTurns.value(on: channel.eventLoop)))
            try pipeline.addHandler(HTTPResponseEncoder())
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes,
                                                                            informationalResponseStrategy: .drop,
                                                                            limitConfiguration: headLimits)))
            try pipeline.addHandler(HTTPConnection(server: server, logger: self.logger,
                                                   connections: connections.value(on: channel.eventLoop)))
            return Value(channel: channel)
        }
    }

    /// Waits until the connection closes: its requests are answered in its pipeline, on its event loop.
    func handle(value: Value, logger: Logger) async {
        try? await value.channel.closeFuture.get()
    }
}
