/// The limits that keep one request, or many, from exhausting the server.
public struct ServerLimits: Sendable {
    /// The largest request body read; larger bodies are answered 413.
    public var maxBodyBytes: Int
    /// The largest image width or height accepted; larger images are answered 413.
    public var maxImageSide: Int
    /// The largest number of pixels in an image.
    public var maxImagePixels: Int
    /// How long one request may take, body upload included, before it is answered 408.
    public var requestTimeout: Duration
    /// How many `/predict` requests run at once; more are answered 503 at once (clients retry).
    public var maxConcurrentPredictions: Int
    /// How many connections are open at once; further connections wait in the accept backlog.
    public var maxConnections: Int
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration

    public init(maxBodyBytes: Int = 1 << 20, maxImageSide: Int = 2048, maxImagePixels: Int = 2048 * 2048,
                requestTimeout: Duration = .seconds(10), maxConcurrentPredictions: Int = 64,
                maxConnections: Int = 1024, idleTimeout: Duration = .seconds(60)) {
        self.maxBodyBytes = maxBodyBytes
        self.maxImageSide = maxImageSide
        self.maxImagePixels = maxImagePixels
        self.requestTimeout = requestTimeout
        self.maxConcurrentPredictions = maxConcurrentPredictions
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
    }
}
