import DigittyEngine
import DigittyVision
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import UnixSignals

/// `digitty serve`: the prediction API, the drawing page and the metrics over HTTP, on Hummingbird.
///
/// Endpoints: `POST /predict`, `GET /models`, `GET /healthz`, `GET /metrics`, and the page at `GET /`.
/// Models are loaded once and shared by every request.
public struct PredictionServer: Sendable {
    /// The models served; the first is the default.
    public let catalog: ModelCatalog
    /// Body, image, time and concurrency limits.
    public let limits: ServerLimits
    /// Request counts and latencies, exported by `GET /metrics`.
    public let metrics = ServerMetrics()
    let limiter: ConcurrencyLimiter
    private let modelsJSON: [UInt8]

    public init(catalog: ModelCatalog, limits: ServerLimits = ServerLimits()) {
        self.catalog = catalog
        self.limits = limits
        self.limiter = ConcurrencyLimiter(limit: limits.maxConcurrentPredictions)
        let descriptions = catalog.models.enumerated().map { ModelDescription($0.element, isDefault: $0.offset == 0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.modelsJSON = (try? [UInt8](encoder.encode(["models": descriptions]))) ?? Array(#"{"models":[]}"#.utf8)
    }

    /// The server as a Hummingbird application bound to `host:port` (port 0 picks a free port), handling each
    /// connection, network I/O and requests alike, on one event loop of `eventLoopGroup`. `onRunning` receives
    /// the port actually bound once the server accepts connections. Run it with `runService()` to stop
    /// gracefully on SIGINT/SIGTERM, or inside a `ServiceGroup`.
    public func makeApplication(host: String, port: Int, logger: Logger,
                                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                                onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var http = HTTP1Channel.Configuration()
        http.idleTimeout = TimeAmount(limits.idleTimeout)
        return Application(
            router: makeRouter(logger: logger),
            server: .http1OnEventLoops(configuration: http, server: self, accessLogger: logger, eventLoopGroup: eventLoopGroup),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "digitty",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: logger
        )
    }

    /// The routes and middleware, outermost first: access log, metrics, JSON errors.
    public func makeRouter(logger: Logger) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: MetricsMiddleware(metrics: metrics, knownPaths: Self.paths))
        router.add(middleware: JSONErrorMiddleware())

        router.post("/predict") { request, context in try await predict(request, on: context.channel) }
        router.get("/models") { _, _ in json(modelsJSON) }
        router.get("/healthz") { _, _ in
            var writer = JSONWriter()
            writer.object { object in
                object.field("status", "ok")
                object.field("models", catalog.models.count)
            }
            return json(writer.bytes)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        for asset in WebPage.assets {
            router.get(RouterPath(stringLiteral: asset.path)) { _, _ in
                Response(status: .ok, headers: WebPage.headers(contentType: asset.contentType),
                         body: .init(byteBuffer: ByteBuffer(string: asset.content)))
            }
        }
        return router
    }

    static let paths: Set<String> = Set(["/predict", "/models", "/healthz", "/metrics"] + WebPage.assets.map(\.path))

    /// `POST /predict[?model=NAME][&input=1]`, arriving on `channel`, when `PredictionChannelHandler` passed it on (it does
    /// so only for a request pipelined behind one that this router answers).
    func predict(_ request: Request, on channel: any Channel) async throws -> Response {
        guard limiter.tryAcquire() else { throw busy }
        defer { limiter.release() }
        let query = request.uri.queryParameters
        let model = try model(named: query["model"].map(String.init))
        let body = try await collectBody(of: request, on: channel)
        return json(try answer(to: body, contentType: request.headers[.contentType], model: model,
                               includingInput: Self.asksForInput(query), explain: Self.asksForExplanation(query)))
    }

    /// The JSON answer of `model` to a `/predict` body with the `Content-Type` header `contentType`; with the
    /// 28×28 image the model saw if `includingInput`; with that image and the saliency map if `explain`.
    func answer(to body: [UInt8], contentType: String?, model: any ImageClassifier,
                includingInput: Bool, explain: Bool = false) throws(APIError) -> [UInt8] {
        let image = try ImageRequest.image(from: body, contentType: contentType.map(Self.mediaType), limits: limits)
        let prediction = try Prediction.run(model, on: image, explain: explain)
        metrics.recordPrediction(model: model.name, empty: prediction.isEmpty)
        return prediction.json(includingInput: includingInput || explain)
    }

    /// Whether a `/predict` request's query asks for the model's input image in the answer (`?input=1` or
    /// `?input=true`).
    static func asksForInput(_ query: FlatDictionary<Substring, Substring>) -> Bool {
        let value = query["input"]
        return value == "1" || value == "true"
    }

    /// Whether a `/predict` request's query asks why (`?explain=1` or `?explain=true`): the answer then adds the
    /// model's input image and the saliency map on it.
    static func asksForExplanation(_ query: FlatDictionary<Substring, Substring>) -> Bool {
        let value = query["explain"]
        return value == "1" || value == "true"
    }

    /// The 503 for a prediction beyond `limits.maxConcurrentPredictions`.
    var busy: APIError {
        var error = APIError(.serviceUnavailable, "the server is busy (\(limiter.limit) predictions in progress); retry shortly")
        error.headers[.retryAfter] = "1"
        return error
    }

    /// The model a request names, or the default; 404 for a name not loaded.
    func model(named name: String?) throws(APIError) -> any ImageClassifier {
        guard let name, !name.isEmpty else { return catalog.defaultModel }
        guard let model = catalog.model(named: name) else {
            let shown = name.count > 100 ? String(name.prefix(100)) + "…" : name
            throw APIError(.notFound, "unknown model '\(shown)'; loaded: \(catalog.names.joined(separator: ", "))")
        }
        return model
    }

    /// The request body, at most `limits.maxBodyBytes` (413 beyond), within `limits.requestTimeout` (408 beyond;
    /// the connection is then closed).
    func collectBody(of request: Request, on channel: any Channel) async throws -> [UInt8] {
        let maxBytes = limits.maxBodyBytes
        if let error = declaredBodyTooLarge(request.headers) { throw error }
        let timeout = limits.requestTimeout
        let deadline = UploadDeadline(after: timeout, on: channel)
        defer { deadline.cancel() }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw bodyTooLarge
        } catch where deadline.hasExpired {
            throw bodyTimedOut
        }
        guard !deadline.hasExpired else { throw bodyTimedOut }
        return Array(buffer.readableBytesView)
    }

    /// The 413 for a request whose `Content-Length` is over `limits.maxBodyBytes`, if it is.
    func declaredBodyTooLarge(_ headers: HTTPFields) -> APIError? {
        guard let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limits.maxBodyBytes else { return nil }
        return APIError(.contentTooLarge, "the request body is \(declared) bytes; at most \(limits.maxBodyBytes) are accepted")
    }

    /// The 413 for a body that grew over `limits.maxBodyBytes`.
    var bodyTooLarge: APIError { APIError(.contentTooLarge, "the request body is larger than \(limits.maxBodyBytes) bytes") }

    /// The 408 for a body that did not arrive within `limits.requestTimeout`.
    var bodyTimedOut: APIError { APIError(.requestTimeout, "the request body did not arrive within \(limits.requestTimeout)") }

    /// `image/png; charset=…` → `image/png`. The common exact types are answered without building strings.
    static func mediaType(_ header: String) -> String {
        for common in commonMediaTypes where header == common { return common }
        return header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    private static let commonMediaTypes = ["image/png", "application/json", "image/x-portable-graymap"]
}

private func json(_ bytes: [UInt8]) -> Response {
    Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
             body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

extension PredictionServer {
    /// Serves on `host:port` until SIGINT or SIGTERM, then stops accepting connections and lets the requests
    /// in flight finish. Access log lines go to standard error; `onRunning` gets the bound port.
    ///
    /// Each connection is handled on one of `ioThreads` event-loop threads (nil: one per core), its predictions
    /// included, so that no read or write of a request waits for a hop between an event loop and Swift's
    /// cooperative pool.
    public func run(host: String, port: Int, ioThreads: Int? = nil, logLevel: Logger.Level = .info,
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "digitty.serve", factory: { StandardErrorLogHandler(label: $0) })
        logger.logLevel = logLevel
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, ioThreads ?? System.coreCount))
        let application = makeApplication(host: host, port: port, logger: logger, eventLoopGroup: group,
                                          onRunning: onRunning)
        do {
            try await application.runService(gracefulShutdownSignals: [UnixSignal.sigterm, UnixSignal.sigint])
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }
}
