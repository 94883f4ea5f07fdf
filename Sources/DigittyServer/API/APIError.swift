import DigittyVision
import HTTPTypes
import NIOHTTP1

/// An HTTP error answered as JSON `{"error": "…"}` with its status, e.g. 400 for a malformed body.
public struct APIError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status sent.
    public let status: HTTPResponse.Status
    /// The human-readable reason, sent as the `error` field.
    public let message: String
    /// Extra response headers (e.g. `Retry-After`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status.code) \(message)" }

    /// The body: `{"error": "…"}`.
    var json: [UInt8] {
        var writer = JSONWriter()
        writer.object { object in object.field("error", message) }
        return writer.bytes
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }

    /// The answer to a request the HTTP decoder could not parse.
    init(_ error: HTTPParserError, maxHeadBytes: Int) {
        switch error {
        case .headerOverflow:
            self.init(.requestHeaderFieldsTooLarge, "the request head is larger than \(maxHeadBytes) bytes")
        case .invalidMethod:
            self.init(.badRequest, "malformed request line: unknown method")
        case .invalidVersion:
            self.init(.badRequest, "malformed request line: bad HTTP version")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment:
            self.init(.badRequest, "malformed request line: bad request target")
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant:
            self.init(.badRequest, "malformed request: bad character in the request line or headers")
        case .invalidContentLength, .unexpectedContentLength:
            self.init(.badRequest, "malformed request: bad or conflicting Content-Length")
        case .invalidChunkSize:
            self.init(.badRequest, "malformed chunked body: bad chunk size")
        case .invalidEOFState:
            self.init(.badRequest, "the request ended before it was complete")
        default:
            self.init(.badRequest, "malformed HTTP request (\(error.debugDescription))")
        }
    }
}
