import DigittyEngine
import DigittyTraining
import Foundation

/// One training run as it is logged to MLflow: started with its params and tags, metrics after every epoch
/// (the epoch is the step), then the test accuracy, the model file and how it ended. Every method only queues
/// its calls on a `TrackingQueue` and returns at once, so training never waits for the server.
public final class TrainingRunLog: Sendable {
    private let queue: TrackingQueue
    private let lock = NSLock()
    nonisolated(unsafe) private var loggedEpochs = 0

    /// Starts a run called `name` described by `description`.
    public init(queue: TrackingQueue, name: String, description: RunDescription) {
        self.queue = queue
        queue.submit { await $0.startRun(name: name, params: description.params, tags: description.tags) }
    }

    /// Logs the metrics of the epochs in `history` not logged yet (after a resume, the earlier ones too).
    public func log(history: [EpochMetrics]) {
        lock.lock()
        let new = history.filter { $0.epoch > loggedEpochs }
        loggedEpochs = max(loggedEpochs, history.last?.epoch ?? 0)
        lock.unlock()
        guard !new.isEmpty else { return }
        queue.submit { tracker in
            for epoch in new { await tracker.log(RunDescription.metrics(of: epoch), step: epoch.epoch) }
        }
    }

    /// Ends the run as finished: logs `metrics` (the test accuracy, the best epoch…) at step `step`, uploads
    /// the model file at `model` as an artifact, and marks the run FINISHED.
    public func finish(metrics: [String: Double], step: Int, model: URL) {
        queue.submit { tracker in
            await tracker.log(metrics, step: step)
            await tracker.uploadArtifact(fileAt: model)
            await tracker.finishRun(status: .finished)
        }
    }

    /// Ends the run with `status`: `.killed` when interrupted, `.failed` after an error.
    public func end(_ status: MLflowClient.RunStatus) {
        queue.submit { await $0.finishRun(status: status) }
    }
}
