import Logging

/// The access log line of one request, e.g. `POST /predict 200 duration_us=412`.
enum AccessLog {
    static func record(_ logger: Logger, method: String, path: String, status: Int, elapsed: Duration) {
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.info("\(method) \(path) \(status)", metadata: ["duration_us": "\(microseconds)"])
    }
}
