import Foundation

/// Fine-tunes the personal model on the taught drawings (what `digitty tune` does; the CLI hands it to the app):
/// reports progress lines, stops early when asked, and says what it wrote.
public typealias PersonalTuner = @Sendable (_ progress: @escaping @Sendable (String) -> Void,
                                            _ shouldStop: @escaping @Sendable () -> Bool) throws -> TuningResult

/// How a tuning ended.
public enum TuningResult: Sendable, Equatable {
    /// A personal model was written there; `summary` gives its figures.
    case written(URL, summary: String)
    /// Nothing was written (refused by the forgetting guard, interrupted, or nothing to learn), and why.
    case notWritten(String)
}

/// A tuning running on a thread of its own, so the app stays responsive: the input loop polls it for its
/// latest progress line and its result. Thread-safe.
final class BackgroundTuning: @unchecked Sendable {
    private let lock = NSLock()
    private var progress = "tuning: starting"
    private var result: Result<TuningResult, any Error>?
    private var stopRequested = false

    init(_ tuner: @escaping PersonalTuner) {
        Thread.detachNewThread { [self] in
            let outcome = Result { try tuner({ line in self.locked { self.progress = line } }, { self.locked { self.stopRequested } }) }
            locked { result = outcome }
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// The latest progress line, and the result once it has finished.
    var status: (progress: String, result: Result<TuningResult, any Error>?) { locked { (progress, result) } }

    /// Asks the tuning to stop after its current batch (it then writes nothing).
    func stop() { locked { stopRequested = true } }
}
