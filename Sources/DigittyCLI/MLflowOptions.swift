import ArgumentParser
import DigittyTracking
import Foundation

/// `--mlflow URI` and `--mlflow-experiment NAME`, for commands that train (`@OptionGroup var mlflow: MLflowOptions`).
struct MLflowOptions: ParsableArguments {
    @Option(name: .customLong("mlflow"), help: ArgumentHelp(
        "Log runs to this MLflow tracking server (default: $MLFLOW_TRACKING_URI). An unreachable server gives one warning; training goes on.",
        valueName: "uri"))
    var uri: String?

    @Option(name: .customLong("mlflow-experiment"), help: "The MLflow experiment to log runs into.")
    var experiment = "digitty"

    /// A queue to the server named by `--mlflow` or `MLFLOW_TRACKING_URI`; its calls do nothing when neither is set.
    func makeTracking() -> TrackingQueue {
        TrackingQueue(tracker: ExperimentTracker(uri: ExperimentTracker.trackingURI(flag: uri), experiment: experiment,
                                                 warn: Self.warn))
    }

    /// The tracker's one warning, on a line of its own even when a live progress line is being redrawn.
    @Sendable static func warn(_ message: String) {
        ExperimentTracker.printToStandardError(isatty(STDERR_FILENO) != 0 ? "\n" + message : message)
    }
}
