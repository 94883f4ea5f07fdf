import Hummingbird
import Prometheus

/// The server's Prometheus metrics: requests by endpoint and status, latency histogram, predictions by
/// model, requests in flight. Each server owns its registry (no process-wide metrics state).
public struct ServerMetrics: Sendable {
    /// The registry `GET /metrics` exports.
    public let registry = PrometheusCollectorRegistry()
    let inFlight: Gauge

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init() {
        inFlight = registry.makeGauge(descriptor: .init(namespace: "digitty", metricName: "requests_in_flight", unitName: "",
                                                        helpText: "HTTP requests being handled"))
    }

    func record(method: String, path: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("path", path), ("status", String(status))]
        registry.makeCounter(descriptor: .init(namespace: "digitty", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by endpoint and status"), labels: labels).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "digitty", metricName: "http_request_duration",
                                                         unitName: "seconds", helpText: "HTTP request latency"),
                                       labels: [("path", path)], buckets: Self.latencyBuckets).record(duration)
    }

    func recordPrediction(model: String, empty: Bool) {
        registry.makeCounter(descriptor: .init(namespace: "digitty", metricName: "predictions", unitName: "total",
                                               helpText: "Predictions by model"),
                             labels: [("model", model), ("empty", empty ? "true" : "false")]).increment()
    }

    /// The metrics in Prometheus text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// Counts every request and its latency into `ServerMetrics`, labelled by the route (not the raw path, so
/// unknown paths cannot create unbounded label values).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let knownPaths: Set<String>

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        metrics.inFlight.increment()
        defer { metrics.inFlight.decrement() }
        let response = try await next(request, context)
        let path = knownPaths.contains(request.uri.path) ? request.uri.path : "other"
        metrics.record(method: "\(request.method)", path: path, status: response.status.code,
                       duration: ContinuousClock.now - start)
        return response
    }
}
