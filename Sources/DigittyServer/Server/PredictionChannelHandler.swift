import DigittyEngine
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Answers `POST /predict` on the connection's event loop as its parts arrive, with no task, executor hop or
/// middleware chain per request: under load, that machinery cost more than the prediction itself. Every other
/// request passes on to Hummingbird's router unchanged.
///
/// It keeps what the router's middleware gives the other routes: the body and time limits (413, 408), the
/// concurrency limit (503), the JSON errors, the metrics and the access log line. It sits after Hummingbird's
/// connection-state handler, which therefore still sees every request (idle timeout, graceful shutdown).
/// A `/predict` pipelined behind a request the router has not answered yet goes to the router too, so that the
/// answers keep their order.
final class PredictionChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let server: PredictionServer
    private let logger: Logger
    private var state = State.idle
    /// Requests passed to the router whose answers have not been written yet.
    private var routerAnswersPending = 0
    private var date = HTTPDate()

    private enum State {
        /// Between requests.
        case idle
        /// The parts of a request the router answers.
        case passing
        /// A `/predict` body arriving.
        case receiving(Upload)
        /// The rest of a request already answered.
        case discarding
    }

    /// A `/predict` request whose body is arriving.
    private struct Upload {
        let start: ContinuousClock.Instant
        let model: any ImageClassifier
        let contentType: String?
        let includingInput: Bool
        let explain: Bool
        let closeAfterAnswer: Bool
        /// The timer for `limits.requestTimeout`, set once a read ends with the body incomplete.
        var deadline: Scheduled<Void>?
        var body: ByteBuffer?
    }

    init(server: PredictionServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .idle:
            if case .head(let head) = part, routerAnswersPending == 0, head.method == .post,
               let uri = head.path.map({ URI($0) }), uri.path == "/predict" {
                begin(head, uri: uri, context: context)
            } else {
                if case .head = part { routerAnswersPending += 1 }
                state = .passing
                context.fireChannelRead(data)
            }
        case .passing:
            if case .end = part { state = .idle }
            context.fireChannelRead(data)
        case .receiving(var upload):
            switch part {
            case .head:
                break  // the HTTP decoder never sends a head before the previous request's end
            case .body(let buffer):
                let received = (upload.body?.readableBytes ?? 0) + buffer.readableBytes
                guard received <= server.limits.maxBodyBytes else {
                    state = .discarding
                    finish(upload, answer: .failure(server.bodyTooLarge), context: context)
                    return
                }
                state = .idle  // so that `upload.body` is not shared while it grows
                if upload.body == nil { upload.body = buffer } else { upload.body?.writeImmutableBuffer(buffer) }
                state = .receiving(upload)
            case .end:
                state = .idle
                let body = upload.body.map { Array($0.readableBytesView) } ?? []
                let answer = Result { () throws(APIError) in
                    try server.answer(to: body, contentType: upload.contentType, model: upload.model,
                                      includingInput: upload.includingInput, explain: upload.explain)
                }
                finish(upload, answer: answer, context: context)
            }
        case .discarding:
            if case .end = part { state = .idle }
        }
    }

    /// A read has ended with a body still incomplete: the upload's clock, started at its head, is set now, so
    /// that a request arriving whole in one read costs no timer.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .receiving(var upload) = state, upload.deadline == nil {
            let remaining = upload.start + server.limits.requestTimeout - ContinuousClock.now
            upload.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(remaining)) { [weak self] in
                guard let self else { return }
                uploadTimedOut(context: context)
            }
            state = .receiving(upload)
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { routerAnswersPending -= 1 }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandonUpload()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandonUpload()
    }

    /// Starts a `/predict` request: answers at once when it cannot be served, else waits for its body.
    private func begin(_ head: HTTPRequest, uri: URI, context: ChannelHandlerContext) {
        let start = ContinuousClock.now
        server.metrics.inFlight.increment()
        let closeAfterAnswer = head.headerFields[.connection] == "close"
        do throws(APIError) {
            guard server.limiter.tryAcquire() else { throw server.busy }
            do throws(APIError) {
                let query = uri.queryParameters  // parsed anew on each access
                let model = try server.model(named: query["model"].map(String.init))
                if let tooLarge = server.declaredBodyTooLarge(head.headerFields) { throw tooLarge }
                state = .receiving(Upload(start: start, model: model, contentType: head.headerFields[.contentType],
                                          includingInput: PredictionServer.asksForInput(query),
                                          explain: PredictionServer.asksForExplanation(query),
                                          closeAfterAnswer: closeAfterAnswer))
            } catch {
                server.limiter.release()
                throw error
            }
        } catch {
            state = .discarding
            answer(.failure(error), start: start, closeAfterAnswer: closeAfterAnswer, context: context)
        }
    }

    /// The body did not arrive in time: answers 408 and closes the connection.
    private func uploadTimedOut(context: ChannelHandlerContext) {
        guard case .receiving(let upload) = state else { return }
        state = .discarding
        server.limiter.release()
        answer(.failure(server.bodyTimedOut), start: upload.start, closeAfterAnswer: true, context: context)
    }

    /// Ends `upload` with `answer`.
    private func finish(_ upload: Upload, answer result: Result<[UInt8], APIError>, context: ChannelHandlerContext) {
        upload.deadline?.cancel()
        server.limiter.release()
        answer(result, start: upload.start, closeAfterAnswer: upload.closeAfterAnswer, context: context)
    }

    /// Forgets an upload cut short by the connection closing.
    private func abandonUpload() {
        guard case .receiving(let upload) = state else { return }
        state = .discarding
        upload.deadline?.cancel()
        server.limiter.release()
        server.metrics.inFlight.decrement()
    }

    /// Writes the answer (the JSON prediction, or the error as JSON), then counts and logs the request.
    private func answer(_ result: Result<[UInt8], APIError>, start: ContinuousClock.Instant, closeAfterAnswer: Bool,
                        context: ChannelHandlerContext) {
        var status = HTTPResponse.Status.ok
        var fields: HTTPFields = [:]
        let body: [UInt8]
        switch result {
        case .success(let json):
            body = json
        case .failure(let error):
            status = error.status
            fields = error.headers
            body = error.json
        }
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.count)
        fields[.date] = date.now()
        fields[.server] = "digitty"
        if closeAfterAnswer { fields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        if closeAfterAnswer {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        let elapsed = ContinuousClock.now - start
        server.metrics.inFlight.decrement()
        server.metrics.record(method: "POST", path: "/predict", status: status.code, duration: elapsed)
        AccessLog.record(logger, method: "POST", path: "/predict", status: status.code, elapsed: elapsed)
    }
}
