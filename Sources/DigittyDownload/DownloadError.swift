import DigittyVision
import Foundation
/// Why a download failed.
public enum DownloadError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an HTTP error status.
    case http(url: String, status: Int)
    /// The server could not be reached, stopped sending, or broke the connection off.
    case network(url: String, reason: String)
    /// The data arrived but is not the expected file.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The file could not be written.
    case filesystem(path: String, reason: String)
    /// The download was stopped on request (Ctrl-C).
    case cancelled(url: String)

    public var description: String {
        switch self {
        case let .http(url, status):
            return "download failed: \(url) answered HTTP \(status)"
        case let .network(url, reason):
            return "download failed: \(url): \(reason)"
        case let .checksumMismatch(file, expected, actual):
            return "download of \(file) is corrupt: SHA-256 \(actual), expected \(expected) (nothing was kept)"
        case let .filesystem(path, reason):
            return "cannot write \(path): \(reason)"
        case let .cancelled(url):
            return "download of \(url) stopped (nothing was kept)"
        }
    }
}
