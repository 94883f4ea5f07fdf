import Foundation
import NIOCore

/// A deadline for a request body to arrive. When it passes first, the connection's input is closed, which ends
/// the body early; `hasExpired` then tells the handler to answer 408. A timer on the connection's event loop,
/// so a request that meets its deadline costs no task or thread.
struct UploadDeadline {
    private let state = State()
    private let timer: Scheduled<Void>

    /// Starts the clock: `timeout` from now, `channel`'s input is closed unless `cancel()` came first.
    init(after timeout: Duration, on channel: any Channel) {
        let state = self.state
        timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            state.expire()
            channel.close(mode: .input, promise: nil)
        }
    }

    /// Whether the deadline passed before `cancel()`.
    var hasExpired: Bool { state.isExpired }

    /// Stops the clock (the body has arrived, or the request failed otherwise).
    func cancel() { timer.cancel() }

    private final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var expired = false

        var isExpired: Bool { lock.withLock { expired } }
        func expire() { lock.withLock { expired = true } }
    }
}
