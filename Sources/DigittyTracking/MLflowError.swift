import Foundation

/// Why a call to an MLflow tracking server failed.
public enum MLflowError: Error, CustomStringConvertible, Sendable {
    /// The tracking URI is not an `http://` or `https://` address.
    case badTrackingURI(String)
    /// The server could not be reached (refused, timed out, name not resolved).
    case unreachable(url: String, reason: String)
    /// The server answered with an HTTP error status.
    case httpStatus(endpoint: String, status: Int, body: String)
    /// The server's answer is not the JSON MLflow sends.
    case badResponse(endpoint: String, detail: String)
    /// A local file to upload could not be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badTrackingURI(uri):
            return "MLflow tracking URI '\(uri)' is not an http:// or https:// address"
        case let .unreachable(url, reason):
            return "MLflow server at \(url) is unreachable: \(reason)"
        case let .httpStatus(endpoint, status, body):
            return "MLflow \(endpoint) answered HTTP \(status): \(body.prefix(300))"
        case let .badResponse(endpoint, detail):
            return "MLflow \(endpoint) answered something unexpected: \(detail)"
        case let .unreadableFile(path, reason):
            return "cannot read \(path) to upload to MLflow: \(reason)"
        }
    }
}
