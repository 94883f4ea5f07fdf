import DigittyVision
import Hummingbird

/// An HTTP error answered as JSON `{"error": "…"}` with its status, e.g. 400 for a malformed body.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible, Sendable {
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

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// The body: `{"error": "…"}`.
    var json: [UInt8] {
        var writer = JSONWriter()
        writer.object { object in object.field("error", message) }
        return writer.bytes
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
}
