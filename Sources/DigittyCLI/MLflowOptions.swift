import ArgumentParser
import DigittyTracking

/// `--mlflow URI` and `--mlflow-experiment NAME`, for commands that train (`@OptionGroup var mlflow: MLflowOptions`).
struct MLflowOptions: ParsableArguments {
    @Option(name: .customLong("mlflow"), help: ArgumentHelp(
        "Log runs to this MLflow tracking server (default: $MLFLOW_TRACKING_URI). An unreachable server gives one warning; training goes on.",
        valueName: "uri"))
    var uri: String?

    @Option(name: .customLong("mlflow-experiment"), help: "The MLflow experiment to log runs into.")
    var experiment = "digitty"

    /// A tracker for the server named by `--mlflow` or `MLFLOW_TRACKING_URI`; a no-op when neither is set.
    func makeTracker() -> ExperimentTracker {
        ExperimentTracker(uri: ExperimentTracker.trackingURI(flag: uri), experiment: experiment)
    }
}
