import Foundation

/// Logs training runs to an MLflow tracking server, for `digitty train --mlflow URI` and `digitty experiment`.
///
/// Tracking never stops training: when the server cannot be reached or refuses a call, the tracker prints one
/// warning (through `warn`), turns itself off for the rest of the process, and every later call returns at
/// once, except that `finishRun` still tries to end a run the server created. A model file that cannot be
/// stored as an artifact only warns. The local run directory stays the record of the run.
///
/// ```swift
/// let tracker = ExperimentTracker(uri: ExperimentTracker.trackingURI(flag: options.mlflow), experiment: "digitty")
/// await tracker.startRun(name: "simple", params: ["epochs": "10", "batch_size": "32"],
///                        tags: ["architecture": "Conv2D(32, 3×3) → …", "augmentation": "rotation ±6°"])
/// for epoch in 1...epochs {
///     …
///     await tracker.log(["loss": loss, "accuracy": accuracy, "val_accuracy": validation, "images_per_second": speed],
///                       step: epoch)
/// }
/// await tracker.log(["test_accuracy": testAccuracy], step: epochs)
/// await tracker.uploadArtifact(fileAt: modelURL)          // stored as model/<file name>
/// await tracker.finishRun()                               // or finishRun(status: .failed) on error
/// ```
public actor ExperimentTracker {
    /// The environment variable read when no `--mlflow` flag is given (MLflow's own name for it).
    public static let environmentVariable = "MLFLOW_TRACKING_URI"

    /// The tracking URI to use: the flag if given, else `MLFLOW_TRACKING_URI`, else nil (no tracking).
    public static func trackingURI(flag: String?,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        return nil
    }

    /// Whether calls still go to the server (false when no URI was given or after the first failure).
    public private(set) var isEnabled: Bool
    /// The current run's id in MLflow, once `startRun` succeeded.
    public private(set) var runID: String?
    /// The first warning printed, if any.
    public private(set) var warning: String?

    private let client: MLflowClient?
    private let experimentName: String
    private let warn: @Sendable (String) -> Void
    private var experimentID: String?
    private var artifactURI: String?

    /// A tracker for the MLflow server at `uri` (nil: tracking off), logging runs into the experiment called
    /// `experiment` (created if missing). `warn` receives the single warning; by default it goes to stderr.
    public init(uri: String?, experiment: String = "digitty",
                warn: @escaping @Sendable (String) -> Void = ExperimentTracker.printToStandardError) {
        self.experimentName = experiment
        self.warn = warn
        guard let uri else {
            client = nil
            isEnabled = false
            return
        }
        do {
            client = try MLflowClient(trackingURI: uri)
            isEnabled = true
        } catch {
            client = nil
            isEnabled = false
            let message = "warning: \(error); not logging to MLflow"
            warning = message
            warn(message)
        }
    }

    /// Starts a run called `name` (ending any run still open), with its parameters and tags.
    public func startRun(name: String, params: [String: String] = [:], tags: [String: String] = [:]) async {
        if runID != nil { await finishRun() }
        await attempt { client in
            let experiment: String
            if let experimentID {
                experiment = experimentID
            } else {
                experiment = try await client.experimentID(named: experimentName)
                experimentID = experiment
            }
            var allTags = tags
            allTags["mlflow.runName"] = name
            allTags["mlflow.source.name"] = allTags["mlflow.source.name"] ?? "digitty"
            let info = try await client.createRun(experimentID: experiment, name: name, tags: allTags)
            runID = info.runId
            artifactURI = info.artifactUri
            try await client.logBatch(runID: info.runId, params: params)
        }
    }

    /// Logs metric values at `step` (the epoch number for per-epoch metrics).
    public func log(_ metrics: [String: Double], step: Int) async {
        guard let runID else { return }
        let now = Date()
        let list = metrics.sorted { $0.key < $1.key }.map { MLflowClient.Metric(key: $0.key, value: $0.value, step: step, date: now) }
        await attempt { client in try await client.logBatch(runID: runID, metrics: list) }
    }

    /// Sets tags on the current run (e.g. the data checksums once they are known).
    public func setTags(_ tags: [String: String]) async {
        guard let runID, !tags.isEmpty else { return }
        await attempt { client in try await client.logBatch(runID: runID, tags: tags) }
    }

    /// Adds parameters to the current run. MLflow refuses to change a parameter once logged.
    public func logParams(_ params: [String: String]) async {
        guard let runID, !params.isEmpty else { return }
        await attempt { client in try await client.logBatch(runID: runID, params: params) }
    }

    /// Stores a file (the trained model) as an artifact of the current run, under `directory/<file name>`:
    /// uploaded through the server's artifact proxy, or written straight into the run's artifact directory when
    /// the server hands out a path (`mlflow server --default-artifact-root /some/dir`), as MLflow's own clients
    /// do. An artifact that cannot be stored gives a warning of its own; the run goes on and is still ended.
    public func uploadArtifact(fileAt url: URL, directory: String = "model") async {
        guard isEnabled, let client, let runID, let artifactURI else { return }
        let path = directory.isEmpty ? url.lastPathComponent : directory + "/" + url.lastPathComponent
        do throws(MLflowError) {
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw .unreadableFile(path: url.path, reason: error.localizedDescription)
            }
            switch ArtifactLocation(artifactURI: artifactURI) {
            case let .proxied(location): try await client.uploadArtifact(data, path: path, proxiedLocation: location)
            case let .directory(root): try ArtifactLocation.write(data, path: path, into: root)
            case let .unsupported(uri): throw .unsupportedArtifactStore(uri: uri)
            }
        } catch {
            let message = "warning: \(error); MLflow run \(runID) is logged without its \(path)"
            warning = warning ?? message
            warn(message)
        }
    }

    /// Ends the current run with `status` (`.finished` after a completed training, `.failed` after an error,
    /// `.killed` when interrupted). Tried even after an earlier call failed, so that a run the server did create
    /// is not left RUNNING when the server comes back; a failure here warns unless tracking is already off.
    public func finishRun(status: MLflowClient.RunStatus = .finished) async {
        guard let runID else { return }
        self.runID = nil
        artifactURI = nil
        guard let client else { return }
        do {
            try await client.endRun(runID: runID, status: status)
        } catch {
            guard isEnabled else { return }
            fail(error)
        }
    }

    /// Writes a line to standard error.
    public static func printToStandardError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Runs one exchange with the server; the first failure warns once and turns tracking off.
    private func attempt(_ body: (MLflowClient) async throws -> Void) async {
        guard isEnabled, let client else { return }
        do {
            try await body(client)
        } catch {
            fail(error)
        }
    }

    /// Warns once and turns tracking off; the open run, if any, is still ended by `finishRun`.
    private func fail(_ error: any Error) {
        isEnabled = false
        let message = "warning: \(error); training goes on without MLflow logging (the run directory keeps the record)"
        warning = warning ?? message
        warn(message)
    }
}
