import HTTPTypes
import NIOCore
import NIOHTTP1

/// What the server answers to one request: status, content type, extra headers and body. The connection adds
/// the framing headers (`Content-Length`, `Date`, `Server`, `Connection`).
struct Reply {
    var status: HTTPResponseStatus
    var contentType: String
    var headers: [(String, String)] = []
    var body: ByteBuffer

    static let jsonType = "application/json; charset=utf-8"

    /// A 200 with a JSON body.
    static func json(_ bytes: [UInt8]) -> Reply {
        Reply(status: .ok, contentType: jsonType, body: ByteBuffer(bytes: bytes))
    }

    /// An error as JSON `{"error": "…"}` with its status and headers.
    init(_ error: APIError) {
        status = HTTPResponseStatus(statusCode: error.status.code, reasonPhrase: error.status.reasonPhrase)
        contentType = Self.jsonType
        headers = error.headers.map { ($0.name.rawName, $0.value) }
        body = ByteBuffer(bytes: error.json)
    }

    /// A prediction's JSON, or its error.
    init(_ result: Result<[UInt8], APIError>) {
        switch result {
        case .success(let bytes): self = .json(bytes)
        case .failure(let error): self.init(error)
        }
    }

    init(status: HTTPResponseStatus, contentType: String, headers: [(String, String)] = [], body: ByteBuffer) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }
}
