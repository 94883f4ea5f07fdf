/// The limits that keep one request, or many, from exhausting the server.
public struct ServerLimits: Sendable {
    /// The largest request body read; larger bodies are answered 413.
    public var maxBodyBytes: Int
    /// The largest image width or height accepted; larger images are answered 413.
    public var maxImageSide: Int
    /// The largest number of pixels in an image.
    public var maxImagePixels: Int
    /// The largest request head (request line and headers); larger heads are answered 431.
    public var maxHeadBytes: Int
    /// How long one request may take from its first byte to the end of its body before it is answered 408.
    public var requestTimeout: Duration
    /// How many `/predict` requests are handled at once, uploads included; more are answered 503 at once (clients retry).
    public var maxConcurrentPredictions: Int
    /// How many connections are open at once. A new connection beyond it closes the connection idle the longest,
    /// or is answered 503 if none is idle.
    public var maxConnections: Int
    /// How long a new connection may wait before sending its first byte; then it is closed.
    public var firstByteTimeout: Duration
    /// How long a keep-alive connection may wait between requests before sending a byte; then it is closed.
    public var idleTimeout: Duration
    /// After an answer that closes the connection before its request was read to the end (413, a malformed request),
    /// how long the rest is read and dropped, so that the client reads the answer rather than a connection reset.
    public var lingerTime: Duration

    public init(maxBodyBytes: Int = 1 << 20, maxImageSide: Int = 2048, maxImagePixels: Int = 2048 * 2048,
                maxHeadBytes: Int = 16 << 10, requestTimeout: Duration = .seconds(10), maxConcurrentPredictions: Int = 64,
                maxConnections: Int = 4096, firstByteTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
                lingerTime: Duration = .seconds(2)) {
        self.maxBodyBytes = maxBodyBytes
        self.maxImageSide = maxImageSide
        self.maxImagePixels = maxImagePixels
        self.maxHeadBytes = maxHeadBytes
        self.requestTimeout = requestTimeout
        self.maxConcurrentPredictions = maxConcurrentPredictions
        self.maxConnections = maxConnections
        self.firstByteTimeout = firstByteTimeout
        self.idleTimeout = idleTimeout
        self.lingerTime = lingerTime
    }
}
