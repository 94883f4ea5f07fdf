import Hummingbird
import Logging

/// Answers every error as JSON `{"error": "…"}` with its status: the server's own `APIError`s, Hummingbird's
/// (404 for an unknown path, 413 for an oversized body, 405…) and, as a 500, anything unexpected.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            var converted = APIError(error.status, error.body ?? Self.message(for: error.status, request: request))
            converted.headers = error.headers
            converted.headers[.contentType] = nil
            converted.headers[.contentLength] = nil
            return try converted.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try APIError(error.status, Self.message(for: error.status, request: request)).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)"])
            return try APIError(.internalServerError, "internal error").response(from: request, context: context)
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no such endpoint: \(request.method) \(request.uri.path)"
        case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)"
        case .contentTooLarge: "the request body is too large"
        default: status.reasonPhrase
        }
    }
}
