/// Makes an `ExperimentTracker`'s calls from one background task, in the order they were submitted, so that a
/// training loop hands its metrics over and goes on at once, however slow or unreachable the server is.
///
/// ```swift
/// let queue = TrackingQueue(tracker: tracker)
/// queue.submit { await $0.log(["loss": loss], step: epoch) }   // returns at once
/// await queue.flush()                                           // every call so far has been made
/// ```
public final class TrackingQueue: Sendable {
    public typealias Call = @Sendable (ExperimentTracker) async -> Void

    /// The tracker the calls go to.
    public let tracker: ExperimentTracker
    private let calls: AsyncStream<Call>.Continuation

    public init(tracker: ExperimentTracker) {
        self.tracker = tracker
        let (stream, calls) = AsyncStream.makeStream(of: Call.self)
        self.calls = calls
        Task {
            for await call in stream { await call(tracker) }
        }
    }

    deinit { calls.finish() }

    /// Queues `call`; it runs after every call submitted before it.
    public func submit(_ call: @escaping Call) {
        calls.yield(call)
    }

    /// Waits until every call submitted so far has been made.
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            submit { _ in done.resume() }
        }
    }
}
