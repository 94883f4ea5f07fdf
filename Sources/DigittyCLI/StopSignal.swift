import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag that a training loop polls between batches, so an interrupted run
/// finishes its batch, saves a checkpoint and exits cleanly instead of dying mid-write.
final class StopSignal: Sendable {
    private let raised = Atomic<Int32>(0)
    private let onStop: @Sendable () -> Void
    /// Kept alive for the process's lifetime; only touched in `init`.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM (a second signal while stopping ends the process as usual);
    /// `onStop` runs once, at the first one (e.g. to cancel a task that does not poll). Returns once the
    /// signals are caught: Dispatch registers its sources asynchronously, and a signal that came between
    /// `SIG_IGN` and the registration would be lost.
    init(onStop: @escaping @Sendable () -> Void = {}) {
        self.onStop = onStop
        let registered = DispatchSemaphore(value: 0)
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.receive(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            sources.append(source)
        }
        for _ in sources { _ = registered.wait(timeout: .now() + 1) }
    }

    private func receive(_ number: Int32) {
        if raised.exchange(number, ordering: .relaxed) != 0 {
            // Dispatch receives signals by keeping them blocked; unblock this one here or raise() only queues it.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, number)
            signal(number, SIG_DFL)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(number)
        } else {
            onStop()
        }
    }

    /// The signal received, if any.
    var signalNumber: Int32? {
        let value = raised.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    var isRaised: Bool { signalNumber != nil }
}
