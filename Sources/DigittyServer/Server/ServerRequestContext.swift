import Hummingbird
import NIOCore

/// The context of each request the server handles: Hummingbird's own, and the connection the request came on
/// (whose event loop times the body's upload).
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
