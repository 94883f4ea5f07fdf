import Foundation
import Prometheus

/// The server's Prometheus metrics: requests by endpoint and status, latency histogram, predictions by
/// model, requests in flight. Each server owns its registry (no process-wide metrics state).
public struct ServerMetrics: Sendable {
    /// The registry `GET /metrics` exports.
    public let registry = PrometheusCollectorRegistry()
    let inFlight: Gauge
    /// Connections open now.
    let connectionsOpen: Gauge
    /// Connections closed to make room for a new one, and new ones refused for want of room.
    let connectionsShed: Counter

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init() {
        inFlight = registry.makeGauge(descriptor: .init(namespace: "digitty", metricName: "requests_in_flight", unitName: "",
                                                        helpText: "HTTP requests being handled"))
        connectionsOpen = registry.makeGauge(descriptor: .init(namespace: "digitty", metricName: "connections_open", unitName: "",
                                                               helpText: "TCP connections open"))
        connectionsShed = registry.makeCounter(descriptor: .init(namespace: "digitty", metricName: "connections_shed",
                                                                 unitName: "total",
                                                                 helpText: "Idle connections closed, or new ones refused, at the connection limit"))
    }

    /// Counts one request and its latency, labelled by `path` if it is one of `knownPaths` and by its method if it
    /// is a standard one ("other" otherwise, so that clients cannot create unbounded label values).
    func record(method: String, path: String, knownPaths: Set<String>, status: Int, duration: Duration) {
        let pathLabel = knownPaths.contains(path) ? path : "other"
        let methodLabel = Self.standardMethods.contains(method) ? method : "other"
        count(method: methodLabel, path: pathLabel, status: status, duration: duration)
    }

    private static let standardMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]

    private func count(method: String, path: String, status: Int, duration: Duration) {
        requests.handle(for: RequestKey(method: method, path: path, status: status)) {
            registry.makeCounter(descriptor: .init(namespace: "digitty", metricName: "http_requests", unitName: "total",
                                                   helpText: "HTTP requests by endpoint and status"),
                                 labels: [("method", method), ("path", path), ("status", String(status))])
        }.increment()
        latencies.handle(for: path) {
            registry.makeDurationHistogram(descriptor: .init(namespace: "digitty", metricName: "http_request_duration",
                                                             unitName: "seconds", helpText: "HTTP request latency"),
                                           labels: [("path", path)], buckets: Self.latencyBuckets)
        }.record(duration)
    }

    func recordPrediction(model: String, empty: Bool) {
        predictions.handle(for: PredictionKey(model: model, empty: empty)) {
            registry.makeCounter(descriptor: .init(namespace: "digitty", metricName: "predictions", unitName: "total",
                                                   helpText: "Predictions by model"),
                                 labels: [("model", model), ("empty", empty ? "true" : "false")])
        }.increment()
    }

    private struct RequestKey: Hashable, Sendable { var method: String; var path: String; var status: Int }
    private struct PredictionKey: Hashable, Sendable { var model: String; var empty: Bool }
    private let requests = MetricHandles<RequestKey, Counter>()
    private let latencies = MetricHandles<String, DurationHistogram>()
    private let predictions = MetricHandles<PredictionKey, Counter>()

    /// The metrics in Prometheus text exposition format.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}

/// Metric handles by their labels, each made once: asking the registry builds the metric's name and takes its
/// lock on every call, which showed in the profile of a busy server.
final class MetricHandles<Key: Hashable & Sendable, Metric: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var handles: [Key: Metric] = [:]

    /// The handle for `key`, made by `make` the first time.
    func handle(for key: Key, make: () -> Metric) -> Metric {
        lock.lock()
        defer { lock.unlock() }
        if let handle = handles[key] { return handle }
        let handle = make()
        handles[key] = handle
        return handle
    }
}
