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
    /// The run's artifacts go to a directory on this machine that cannot be written.
    case unwritableArtifact(path: String, reason: String)
    /// The run's artifacts go to a store that digitty cannot write to (neither the server's proxy nor a path).
    case unsupportedArtifactStore(uri: String)

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
        case let .unwritableArtifact(path, reason):
            return "cannot write the MLflow artifact \(path): \(reason)"
        case let .unsupportedArtifactStore(uri):
            return "MLflow stores this run's artifacts at '\(uri)', which is neither served by the tracking server "
                + "(mlflow server --serve-artifacts) nor a path on this machine"
        }
    }
}
