import DigittyEngine
@testable import DigittyServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle

/// A real server on a free loopback port, started in this process for one test and shut down gracefully after.
final class TestServer: @unchecked Sendable {
    let server: PredictionServer
    let port: Int
    let base: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let session: URLSession

    /// Starts a server for `models` with `limits` and waits until it accepts connections.
    convenience init(models: [any ImageClassifier], limits: ServerLimits = ServerLimits()) async throws {
        try await self.init(catalog: try ModelCatalog(models: models), limits: limits)
    }

    /// Starts a server for the models of `catalog` with `limits` and waits until it accepts connections.
    init(catalog: ModelCatalog, limits: ServerLimits = ServerLimits()) async throws {
        server = PredictionServer(catalog: catalog, limits: limits)
        var logger = Logger(label: "digitty.test")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let service = server.makeService(host: "127.0.0.1", port: 0, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let group = self.group
        task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestServerError.didNotStart }
        self.port = port
        base = URL(string: "http://127.0.0.1:\(port)")!
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    /// Starts the graceful shutdown and waits until the server has stopped.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Starts the graceful shutdown without waiting.
    func beginShutdown() async { await group.triggerGracefulShutdown() }

    /// Waits for the server task to end.
    func waitUntilStopped() async throws { try await task.value }

    /// Polls `/metrics` until at least `count` other requests are being handled; false after about ten seconds.
    func waitForRequestsInFlight(_ count: Int) async throws -> Bool {
        for _ in 0..<1000 {
            let metrics = try await request("GET", "/metrics").text
            let inFlight = metrics.split(separator: "\n").first { $0.hasPrefix("digitty_requests_in_flight ") }
                .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            // The /metrics request itself is in flight too.
            if inFlight >= Double(count + 1) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var error: String? { json["error"] as? String }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// One HTTP request through URLSession.
    func request(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> Answer {
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method
        request.httpBody = body
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
        return Answer(status: http.statusCode, headers: headers, body: data)
    }

    func post(_ body: [UInt8], contentType: String?, path: String = "/predict") async throws -> Answer {
        try await request("POST", path, body: Data(body), contentType: contentType)
    }

    func postJSON(_ object: Any, path: String = "/predict") async throws -> Answer {
        try await request("POST", path, body: try JSONSerialization.data(withJSONObject: object), contentType: "application/json")
    }
}

enum TestServerError: Error { case didNotStart }
