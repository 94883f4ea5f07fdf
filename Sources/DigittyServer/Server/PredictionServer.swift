import DigittyEngine
import DigittyVision
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import UnixSignals

/// `digitty serve`: the prediction API, the drawing page and the metrics over HTTP/1.1.
///
/// Endpoints: `POST /predict`, `GET /models`, `GET /healthz`, `GET /metrics`, and the page at `GET /`.
/// Models are loaded once and shared by every request. Every request takes one path, `HTTPConnection`, on its
/// connection's event loop; this type says what each route answers.
public struct PredictionServer: Sendable {
    /// The models served; the first is the default.
    public let catalog: ModelCatalog
    /// Body, image, time, concurrency and connection limits.
    public let limits: ServerLimits
    /// Request counts and latencies, exported by `GET /metrics`.
    public let metrics = ServerMetrics()
    let limiter: ConcurrencyLimiter
    private let modelsJSON: [UInt8]
    private let healthJSON: [UInt8]

    public init(catalog: ModelCatalog, limits: ServerLimits = ServerLimits()) {
        self.catalog = catalog
        self.limits = limits
        self.limiter = ConcurrencyLimiter(limit: limits.maxConcurrentPredictions)
        let descriptions = catalog.models.enumerated().map { ModelDescription($0.element, isDefault: $0.offset == 0) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.modelsJSON = (try? [UInt8](encoder.encode(["models": descriptions]))) ?? Array(#"{"models":[]}"#.utf8)
        var writer = JSONWriter()
        writer.object { object in
            object.field("status", "ok")
            object.field("models", catalog.models.count)
        }
        self.healthJSON = writer.bytes
    }

    /// The server as a service bound to `host:port` (port 0 picks a free port), handling each connection on one
    /// event loop of `eventLoopGroup`. `onRunning` receives the port actually bound once the server accepts
    /// connections. Run it with `run()`, or inside a `ServiceGroup`, which stops it gracefully: no new
    /// connections, the requests in flight answered.
    public func makeService(host: String, port: Int, logger: Logger,
                            eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        Server(childChannelSetup: HTTPServerChannel(server: self, eventLoopGroup: eventLoopGroup, logger: logger),
               configuration: ServerConfiguration(address: .hostname(host, port: port), backlog: 1024),
               onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
               eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// The answer of a route other than `/predict` to `GET` (and `HEAD`, which sends its head alone).
    func reply(to route: Route) -> Reply {
        switch route {
        case .predict: Reply(APIError(.methodNotAllowed, "/predict takes a POST"))  // not reached: predictions are not replies
        case .models: .json(modelsJSON)
        case .health: .json(healthJSON)
        case .metrics:
            Reply(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: ByteBuffer(bytes: metrics.exposition()))
        case .asset(let index):
            Reply(status: .ok, contentType: WebPage.assets[index].contentType, headers: WebPage.headers,
                  body: ByteBuffer(string: WebPage.assets[index].content))
        }
    }

    /// A `/predict` whose body has arrived: answered at once when it is cheap, or the work to run off the event
    /// loop (a large body or image), so that one connection's decoding never holds up the others' answers.
    enum PredictionStep {
        case answered(Result<[UInt8], APIError>)
        case offload(@Sendable () -> Result<[UInt8], APIError>)
    }

    /// Bodies and images above these sizes are decoded off the event loop.
    static let maxInlineBodyBytes = 64 << 10
    static let maxInlinePixels = 256 * 256

    /// The prediction for a `/predict` body with the `Content-Type` header `contentType`.
    func predict(body: [UInt8], contentType: String?, model: any ImageClassifier, includingInput: Bool,
                 explain: Bool) -> PredictionStep {
        let type = contentType.map(Self.mediaType)
        if body.count > Self.maxInlineBodyBytes {
            return .offload { Result { () throws(APIError) in
                try answer(to: ImageRequest.upload(from: body, contentType: type), model: model, includingInput: includingInput,
                           explain: explain)
            } }
        }
        let upload: ImageUpload
        do throws(APIError) {
            upload = try ImageRequest.upload(from: body, contentType: type)
        } catch {
            return .answered(.failure(error))
        }
        let run = { @Sendable in
            Result { () throws(APIError) in try answer(to: upload, model: model, includingInput: includingInput, explain: explain) }
        }
        return upload.pixelCount > Self.maxInlinePixels ? .offload(run) : .answered(run())
    }

    /// The JSON answer of `model` to `upload`; with the 28×28 image the model saw if `includingInput`; with that
    /// image and the saliency map if `explain`.
    func answer(to upload: ImageUpload, model: any ImageClassifier, includingInput: Bool,
                explain: Bool) throws(APIError) -> [UInt8] {
        let image = try ImageRequest.image(of: upload, limits: limits)
        let prediction = try Prediction.run(model, on: image, explain: explain)
        metrics.recordPrediction(model: model.name, empty: prediction.isEmpty)
        return prediction.json(includingInput: includingInput || explain)
    }

    /// Whether a `/predict` request's query asks why (`?explain=1` or `?explain=true`): the answer then adds the
    /// model's input image and the saliency map on it.
    static func asksForExplanation(_ query: FlatDictionary<Substring, Substring>) -> Bool {
        let value = query["explain"]
        return value == "1" || value == "true"
    }

    /// Whether a `/predict` request's query asks for the model's input image in the answer (`?input=1` or
    /// `?input=true`).
    static func asksForInput(_ query: FlatDictionary<Substring, Substring>) -> Bool {
        let value = query["input"]
        return value == "1" || value == "true"
    }

    /// The 503 for a prediction beyond `limits.maxConcurrentPredictions`.
    var busy: APIError {
        var error = APIError(.serviceUnavailable, "the server is busy (\(limiter.limit) predictions in progress); retry shortly")
        error.headers[.retryAfter] = "1"
        return error
    }

    /// The model a request names, or the default; 404 for a name not loaded.
    func model(named name: Substring?) throws(APIError) -> any ImageClassifier {
        guard let name, !name.isEmpty else { return catalog.defaultModel }
        guard let model = catalog.model(named: String(name)) else {
            let shown = name.count > 100 ? String(name.prefix(100)) + "…" : String(name)
            throw APIError(.notFound, "unknown model '\(shown)'; loaded: \(catalog.names.joined(separator: ", "))")
        }
        return model
    }

    /// The 413 for a request whose `Content-Length` is `declared`, over `limits.maxBodyBytes`.
    func bodyTooLarge(declared: Int) -> APIError {
        APIError(.contentTooLarge, "the request body is \(declared) bytes; at most \(limits.maxBodyBytes) are accepted")
    }

    /// The 413 for a body that grew over `limits.maxBodyBytes`.
    var bodyTooLarge: APIError { APIError(.contentTooLarge, "the request body is larger than \(limits.maxBodyBytes) bytes") }

    /// The 408 for a request that did not arrive within `limits.requestTimeout`.
    var requestTimedOut: APIError { APIError(.requestTimeout, "the request did not arrive within \(limits.requestTimeout)") }

    /// `image/png; charset=…` → `image/png`. The common exact types are answered without building strings.
    static func mediaType(_ header: String) -> String {
        for common in commonMediaTypes where header == common { return common }
        return header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    private static let commonMediaTypes = ["image/png", "application/json", "image/x-portable-graymap"]
}

extension PredictionServer {
    /// Serves on `host:port` until SIGINT or SIGTERM, then stops accepting connections and lets the requests
    /// in flight finish. Access log lines go to standard error; `onRunning` gets the bound port.
    ///
    /// The soft limit of open files is raised to the hard limit first (as Go's runtime does), so that connections
    /// are limited by `limits.maxConnections` rather than by the 1,024 files a process gets by default. Each
    /// connection is handled on one of `ioThreads` event-loop threads (nil: one per core), its predictions
    /// included unless their images are large.
    public func run(host: String, port: Int, ioThreads: Int? = nil, logLevel: Logger.Level = .info,
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "digitty.serve", factory: { StandardErrorLogHandler(label: $0) })
        logger.logLevel = logLevel
        let openFiles = OpenFileLimit.raiseToHardLimit()
        logger.debug("open file limit \(openFiles)")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, ioThreads ?? System.coreCount))
        let service = makeService(host: host, port: port, logger: logger, eventLoopGroup: group, onRunning: onRunning)
        let services = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await services.run()
        } catch {
            // A failed bind closes its channel in tasks still queued on the loops: let them run first, or the
            // shutdown makes NIO print a warning about tasks scheduled on a loop that has shut down.
            for loop in group.makeIterator() { try? await loop.submit {}.get() }
            try? await group.shutdownGracefully()
            // NIO's own text for a system call's failure ends in ") (errno: 98)"; the system's words suffice.
            if let failure = error as? IOError { throw ServerError.system(String(cString: strerror(failure.errnoCode))) }
            throw error
        }
        try await group.shutdownGracefully()
    }
}
