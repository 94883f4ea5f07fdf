import DigittyEngine
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 connection from its first byte to its close, and every request on it: the one path all routes
/// take, on the connection's event loop, with no task, executor hop or middleware chain per request.
///
/// Here, and only here, a request is routed (404, 405 with `Allow`), checked against the limits (431 for a large
/// head, 413 for a large body, 503 beyond the predictions allowed at once), answered (a route's reply, a
/// prediction, or an error as JSON `{"error": "…"}`, malformed requests included), framed (`Content-Length`,
/// `Date`, `Server`, `Connection`), counted in the metrics and written to the access log.
///
/// Timeouts: a connection that sends no byte within `firstByteTimeout` when new, or `idleTimeout` between
/// requests, is closed; a request must arrive, from its first byte to its body's end, within `requestTimeout`
/// (else 408). When an answer closes the connection before its request was read to the end (413, 408, a
/// malformed request), the output is closed first and the input read and dropped for up to `lingerTime`, so that
/// the client reads the answer rather than a reset. A prediction whose image is large runs on NIO's thread pool
/// (one thread per core), off the event loops; requests pipelined behind it wait, with reading paused, as they do
/// while the client does not read its answers.
final class HTTPConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: PredictionServer
    private let logger: Logger
    private let connections: ConnectionTable
    private let timeouts: Timeouts
    private var context: ChannelHandlerContext?
    private var state = State.waiting
    /// When the current state began: waiting, the request's first byte, lingering.
    private var stateStart = NIODeadline.now()
    private var requestsBegun = 0
    /// Whether the read in progress gave the decoder enough for a request part.
    private var partsThisRead = false
    private var timer: Scheduled<Void>?
    private var timerDeadline = NIODeadline.distantFuture
    /// Request parts, and a decoding error, that arrived while a prediction ran off the event loop.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var queuedError: (any Error)?
    private var readHeld = false
    /// The end of the last answer written, for closing after it has left.
    private var lastWrite: EventLoopFuture<Void>?
    /// Set when the server shuts down or the client closed its side: no request after the current one.
    private var closeWhenDone = false
    private var isActive = false
    private var date = HTTPDate()

    private enum State {
        /// Waiting for a request's first byte.
        case waiting
        /// Part of a request head has arrived.
        case readingHead
        /// The head has arrived; the body is arriving.
        case reading(Request)
        /// The request was answered early (an error); the rest of its body is read and dropped.
        case discarding(Request)
        /// A prediction runs off the event loop; requests behind it wait.
        case answering
        /// Answered and output closed: the input is read and dropped until the client closes or `lingerTime` passes.
        case lingering
        case closed
    }

    private struct Request {
        let method: HTTPMethod
        let path: String
        let start: NIODeadline
        let keepAlive: Bool
        let isHTTP10: Bool
        var route: Route?
        /// Set for a `/predict` that holds one of the limiter's slots.
        var prediction: PredictionRequest?
        var body: ByteBuffer?
        var received = 0
    }

    private struct PredictionRequest {
        let model: any ImageClassifier
        let contentType: String?
        let includingInput: Bool
    }

    private struct Timeouts {
        let firstByte: TimeAmount, idle: TimeAmount, request: TimeAmount, linger: TimeAmount
    }

    /// What becomes of the connection once an answer is written.
    private enum After {
        /// The request was read whole: on to the next one, if the client keeps the connection.
        case nextRequest
        /// The request was answered before its body was read: read and drop the rest, then the next one.
        case discardBody
        /// The request was read whole and the connection ends with it.
        case close
        /// The request was not read whole: close the output, read and drop the input for a while, close.
        case linger
    }

    init(server: PredictionServer, logger: Logger, connections: ConnectionTable) {
        self.server = server
        self.logger = logger
        self.connections = connections
        let limits = server.limits
        timeouts = Timeouts(firstByte: TimeAmount(limits.firstByteTimeout), idle: TimeAmount(limits.idleTimeout),
                            request: TimeAmount(limits.requestTimeout), linger: TimeAmount(limits.lingerTime))
    }

    // MARK: For the connection table

    /// Whether the connection waits for a request's first byte, so that it can be closed to make room.
    var isIdle: Bool { if case .waiting = state { true } else { false } }
    /// Since when it has been waiting.
    var idleSince: NIODeadline { stateStart }

    /// Closes the connection to make room for a new one.
    func shed() {
        server.metrics.connectionsShed.increment()
        context?.close(promise: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        server.metrics.connectionsOpen.increment()
        isActive = true
        stateStart = .now()
        if connections.admit(self) {
            armTimer(context: context)
        } else {
            server.metrics.connectionsShed.increment()
            var error = APIError(.serviceUnavailable, "too many connections (\(connections.capacity) per thread, all busy); retry shortly")
            error.headers[.retryAfter] = "1"
            respond(Reply(error), to: nil, then: .linger, context: context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionEnded()
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        partsThisRead = true
        if case .answering = state {
            queued.append(part)
        } else {
            handle(part, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !partsThisRead, case .waiting = state {
            // Bytes arrived but not yet a whole head: the request's clock starts now.
            state = .readingHead
            stateStart = .now()
        }
        partsThisRead = false
        armTimer(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .lingering, .closed:
            return  // the decoder's complaints about bytes after its error, or the socket's about the closing
        case .answering:
            if queuedError == nil { queuedError = error }
        case .waiting, .readingHead, .reading, .discarding:
            fail(error, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            // The client has closed its side (the decoder has already reported a request it left incomplete).
            closeWhenDone = true
            switch state {
            case .answering, .closed: break
            case .waiting, .readingHead, .reading, .discarding, .lingering: close(context: context)
            }
        } else if event is ChannelShouldQuiesceEvent {
            closeWhenDone = true
            if case .waiting = state { close(context: context) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        if holdsReads(context: context) {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context: context)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Requests

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (part, state) {
        case (.head(let head), .waiting), (.head(let head), .readingHead):
            begin(head, context: context)
        case (.body(let buffer), .reading(var request)):
            request.received += buffer.readableBytes
            guard request.received <= server.limits.maxBodyBytes else {
                respond(Reply(server.bodyTooLarge), to: request, then: .linger, context: context)
                return
            }
            if request.prediction != nil {
                state = .waiting  // so that `request.body` is not shared while it grows
                if request.body == nil { request.body = buffer } else { request.body!.writeImmutableBuffer(buffer) }
            }
            state = .reading(request)
        case (.body(let buffer), .discarding(var request)):
            request.received += buffer.readableBytes
            if request.received > server.limits.maxBodyBytes {
                closeOutputAndLinger(context: context)
            } else {
                state = .discarding(request)
            }
        case (.end, .reading(let request)):
            complete(request, context: context)
        case (.end, .discarding(let request)):
            if request.keepAlive, !closeWhenDone {
                state = .waiting
                stateStart = .now()
            } else {
                close(context: context)
            }
        default:
            break  // the decoder sends a head only after the previous request's end
        }
    }

    /// A request's head has arrived: it is routed and checked, and answered at once if it cannot be served.
    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if case .waiting = state { stateStart = now }
        requestsBegun += 1
        server.metrics.inFlight.increment()
        let uri = URI(head.uri)
        var request = Request(method: head.method, path: uri.path, start: now, keepAlive: head.isKeepAlive,
                              isHTTP10: head.version == .http1_0)
        do throws(APIError) {
            guard head.version.major == 1 else {
                throw APIError(.httpVersionNotSupported, "HTTP/\(head.version.major).\(head.version.minor) is not supported; use HTTP/1.1")
            }
            guard let route = Route(path: request.path) else {
                throw APIError(.notFound, "no such endpoint: \(head.method.rawValue) \(Self.shown(request.path))")
            }
            guard route.allows(head.method) else {
                let allowed = route.allowedMethods.map(\.rawValue).joined(separator: ", ")
                var error = APIError(.methodNotAllowed, "\(head.method.rawValue) is not allowed on \(request.path); use \(allowed)")
                error.headers[.allow] = allowed
                throw error
            }
            request.route = route
            if let declared = head.headers.first(name: "content-length").flatMap({ Int($0) }), declared > server.limits.maxBodyBytes {
                throw server.bodyTooLarge(declared: declared)
            }
            if route == .predict {
                let query = uri.queryParameters  // parsed anew on each access
                let model = try server.model(named: query["model"])
                guard server.limiter.tryAcquire() else { throw server.busy }
                request.prediction = PredictionRequest(model: model, contentType: head.headers.first(name: "content-type"),
                                                       includingInput: PredictionServer.asksForInput(query))
            }
        } catch {
            respond(Reply(error), to: request, then: error.status == .contentTooLarge ? .linger : .discardBody, context: context)
            return
        }
        state = .reading(request)
        if head.version == .http1_1, head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
        }
    }

    /// A request has arrived whole: answers it, or starts its prediction off the event loop.
    private func complete(_ request: Request, context: ChannelHandlerContext) {
        guard let prediction = request.prediction else {
            if let route = request.route { respond(server.reply(to: route), to: request, then: .nextRequest, context: context) }
            return
        }
        let body = request.body.map { Array($0.readableBytesView) } ?? []
        switch server.predict(body: body, contentType: prediction.contentType, model: prediction.model,
                              includingInput: prediction.includingInput) {
        case .answered(let result):
            respond(Reply(result), to: request, then: .nextRequest, context: context)
        case .offload(let work):
            state = .answering
            NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { work() }.assumeIsolated().whenComplete { [self] outcome in
                let result: Result<[UInt8], APIError> = (try? outcome.get()) ?? .failure(APIError(.serviceUnavailable, "the server is shutting down"))
                predicted(result, for: request)
            }
        }
    }

    /// A prediction run off the event loop has ended: answers it, then handles what arrived meanwhile.
    private func predicted(_ result: Result<[UInt8], APIError>, for request: Request) {
        guard let context, case .answering = state else {
            release(request)  // the connection closed meanwhile
            return
        }
        respond(Reply(result), to: request, then: .nextRequest, context: context)
        while !queued.isEmpty, Self.takesParts(state) {
            handle(queued.removeFirst(), context: context)
        }
        if let error = queuedError, Self.takesParts(state) {
            queuedError = nil
            fail(error, context: context)
        }
        if case .waiting = state, closeWhenDone { close(context: context) }
        resumeReading(context: context)
        armTimer(context: context)
    }

    private static func takesParts(_ state: State) -> Bool {
        switch state {
        case .waiting, .readingHead, .reading, .discarding: true
        case .answering, .lingering, .closed: false
        }
    }

    /// A decoding error (a malformed request, a head over the limit) or a failed socket.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        guard let parserError = error as? HTTPParserError else {
            close(context: context, now: true)
            return
        }
        switch state {
        case .discarding:
            closeOutputAndLinger(context: context)  // already answered
        case .reading(let request):
            respond(Reply(APIError(parserError, maxHeadBytes: server.limits.maxHeadBytes)), to: request, then: .linger, context: context)
        default:
            respond(Reply(APIError(parserError, maxHeadBytes: server.limits.maxHeadBytes)), to: nil, then: .linger, context: context)
        }
    }

    // MARK: Answers

    /// Writes `reply` to `request` (nil for one that could not be parsed), counts and logs it, and goes on as
    /// `after` says: to the next request, or towards closing the connection.
    private func respond(_ reply: Reply, to request: Request?, then after: After, context: ChannelHandlerContext) {
        var after = after
        if !(request?.keepAlive ?? false) || closeWhenDone {
            if case .nextRequest = after { after = .close }
            if case .discardBody = after { after = .linger }
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(6 + reply.headers.count)
        headers.add(name: "Content-Type", value: reply.contentType)
        headers.add(name: "Content-Length", value: String(reply.body.readableBytes))
        headers.add(name: "Date", value: date.now())
        headers.add(name: "Server", value: "digitty")
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        switch after {
        case .close, .linger: headers.add(name: "Connection", value: "close")
        case .nextRequest, .discardBody: if request?.isHTTP10 == true { headers.add(name: "Connection", value: "keep-alive") }
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))), promise: nil)
        if request?.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil)
        }
        lastWrite = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        let now = NIODeadline.now()
        record(request, status: Int(reply.status.code), at: now)
        switch after {
        case .nextRequest:
            state = .waiting
            stateStart = now
        case .discardBody:
            guard var rest = request else { return closeOutputAndLinger(context: context) }
            rest.prediction = nil
            state = .discarding(rest)
        case .close:
            close(context: context)
        case .linger:
            closeOutputAndLinger(context: context)
        }
    }

    /// Counts and logs an answered request (one that could not be parsed as method and path "-").
    private func record(_ request: Request?, status: Int, at now: NIODeadline) {
        guard let request else {
            server.metrics.record(method: "-", path: "-", knownPaths: Route.paths, status: status, duration: .zero)
            AccessLog.record(logger, method: "-", path: "-", status: status, elapsed: .zero)
            return
        }
        release(request)
        let elapsed = Duration.nanoseconds((now - request.start).nanoseconds)
        server.metrics.record(method: request.method.rawValue, path: request.path, knownPaths: Route.paths, status: status, duration: elapsed)
        AccessLog.record(logger, method: request.method.rawValue, path: Self.shown(request.path), status: status, elapsed: elapsed)
    }

    /// A request leaves: it is no longer in flight, and gives back its prediction slot.
    private func release(_ request: Request) {
        server.metrics.inFlight.decrement()
        if request.prediction != nil { server.limiter.release() }
    }

    /// A path as logged and quoted in errors: at most 100 characters.
    private static func shown(_ path: String) -> String {
        path.count > 100 ? String(path.prefix(100)) + "…" : path
    }

    // MARK: Closing

    /// Runs `body` once the answers written so far have left (a close would drop what is still queued).
    private func afterWrites(_ body: @escaping () -> Void) {
        if let lastWrite { lastWrite.assumeIsolated().whenComplete { _ in body() } } else { body() }
    }

    /// Sends the client a FIN after the answers, then reads and drops its input until it closes or `lingerTime` passes.
    private func closeOutputAndLinger(context: ChannelHandlerContext) {
        state = .lingering
        stateStart = .now()
        afterWrites { context.close(mode: .output, promise: nil) }
        armTimer(context: context)
    }

    /// Closes the connection once its answers have left, or at once if `now` (a client that does not read them).
    private func close(context: ChannelHandlerContext, now: Bool = false) {
        if case .closed = state { return }
        if case .reading(let request) = state { release(request) }
        state = .closed
        if now { context.close(promise: nil) } else { afterWrites { context.close(promise: nil) } }
    }

    /// The connection is gone: forgets the request in progress, the timer and the connection itself.
    private func connectionEnded() {
        guard isActive else { return }
        isActive = false
        switch state {
        case .reading(let request): release(request)
        case .closed, .waiting, .readingHead, .discarding, .answering, .lingering: break  // an answering prediction releases itself
        }
        if case .answering = state {} else { state = .closed }
        timer?.cancel()
        timer = nil
        connections.remove(self)
        server.metrics.connectionsOpen.decrement()
    }

    // MARK: Reading and timing

    /// Reads wait while a prediction runs off the loop, or while the client does not read its answers.
    private func holdsReads(context: ChannelHandlerContext) -> Bool {
        switch state {
        case .answering: true
        case .lingering, .closed: false
        case .waiting, .readingHead, .reading, .discarding: !context.channel.isWritable
        }
    }

    private func resumeReading(context: ChannelHandlerContext) {
        guard readHeld, !holdsReads(context: context) else { return }
        readHeld = false
        context.read()
    }

    /// When the current state times out, if it does.
    private var deadline: NIODeadline? {
        switch state {
        case .waiting: stateStart + (requestsBegun == 0 ? timeouts.firstByte : timeouts.idle)
        case .readingHead, .reading, .discarding: stateStart + timeouts.request
        case .lingering: stateStart + timeouts.linger
        case .answering, .closed: nil
        }
    }

    /// Makes sure a timer fires by the current deadline. One timer serves many requests: when it fires early
    /// (the connection has been busy since), it is set again for the new deadline, so that a request arriving
    /// whole in one read costs no timer.
    private func armTimer(context: ChannelHandlerContext) {
        guard let deadline else { return }
        if timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in timerFired() }
    }

    private func timerFired() {
        timer = nil
        guard let context, let deadline else { return }
        guard deadline <= .now() else {
            armTimer(context: context)
            return
        }
        switch state {
        case .waiting, .lingering:
            close(context: context, now: true)
        case .readingHead:
            respond(Reply(server.requestTimedOut), to: nil, then: .linger, context: context)
        case .reading(let request):
            respond(Reply(server.requestTimedOut), to: request, then: .linger, context: context)
        case .discarding:
            closeOutputAndLinger(context: context)
        case .answering, .closed:
            break
        }
    }
}
