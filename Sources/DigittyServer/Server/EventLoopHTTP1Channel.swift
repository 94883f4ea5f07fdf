import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1.1 connections, each handled on its own event loop (see `EventLoopExecutor`) rather than on Swift's
/// cooperative pool. The HTTP handling itself is Hummingbird's `HTTP1Channel`.
struct EventLoopHTTP1Channel: ServerChildChannel {
    /// The HTTP/1.1 channel whose handling runs on the event loops.
    let http: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http.setup(channel: channel, logger: logger)
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopExecutor(value.channel.eventLoop)) {
            await http.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// An HTTP/1.1 server whose connections are handled on their event loops.
    static func http1OnEventLoops(configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EventLoopHTTP1Channel(http: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
