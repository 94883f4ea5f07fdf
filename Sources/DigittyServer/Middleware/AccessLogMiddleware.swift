import Hummingbird
import Logging

/// One access log line per request through swift-log: method, path, status and duration.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        AccessLog.record(logger, method: request.method.rawValue, path: request.uri.path, status: response.status.code,
                         elapsed: ContinuousClock.now - start)
        return response
    }
}

/// The access log line of one request, e.g. `POST /predict 200 duration_us=412`.
enum AccessLog {
    static func record(_ logger: Logger, method: String, path: String, status: Int, elapsed: Duration) {
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.info("\(method) \(path) \(status)", metadata: ["duration_us": "\(microseconds)"])
    }
}
