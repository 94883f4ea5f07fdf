import DigittyEngine
import DigittyTestSupport
import DigittyTracking
import Foundation
import Testing

@Suite("Experiment tracking without a server")
struct ExperimentTrackerTests {
    @Test("an unreachable server gives exactly one warning and every later call returns at once")
    func unreachable() async throws {
        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: "http://127.0.0.1:\(Tools.freePort())", warn: { warnings.add($0) })
        #expect(await tracker.isEnabled)
        await tracker.startRun(name: "simple", params: ["epochs": "2"], tags: ["architecture": "simple"])
        for epoch in 1...3 { await tracker.log(["loss": 1.0 / Double(epoch)], step: epoch) }
        await tracker.setTags(["data": "x"])
        await tracker.uploadArtifact(fileAt: URL(fileURLWithPath: "/nonexistent"))
        await tracker.finishRun()
        await tracker.startRun(name: "deep")
        await tracker.finishRun()
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("unreachable") == true)
        #expect(warnings.all.first?.contains("training goes on") == true)
        #expect(await tracker.isEnabled == false)
        #expect(await tracker.runID == nil)
    }

    @Test("a URI that is not http(s) gives one warning and no tracking")
    func badURI() async {
        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: "ftp://example", warn: { warnings.add($0) })
        await tracker.startRun(name: "simple")
        await tracker.log(["loss": 1], step: 1)
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("ftp://example") == true)
        #expect(await tracker.isEnabled == false)
    }

    @Test("no URI means no tracking and no warning")
    func noURI() async {
        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: nil, warn: { warnings.add($0) })
        await tracker.startRun(name: "simple")
        await tracker.log(["loss": 1], step: 1)
        await tracker.finishRun()
        #expect(warnings.all.isEmpty)
        #expect(await tracker.isEnabled == false)
    }

    @Test("the --mlflow flag wins over MLFLOW_TRACKING_URI; neither means nil")
    func trackingURI() {
        let environment = ["MLFLOW_TRACKING_URI": "http://env:5000"]
        #expect(ExperimentTracker.trackingURI(flag: "http://flag:5000", environment: environment) == "http://flag:5000")
        #expect(ExperimentTracker.trackingURI(flag: nil, environment: environment) == "http://env:5000")
        #expect(ExperimentTracker.trackingURI(flag: nil, environment: [:]) == nil)
        #expect(ExperimentTracker.trackingURI(flag: "", environment: ["MLFLOW_TRACKING_URI": ""]) == nil)
    }
}

@Suite("Experiment tracking against a real MLflow server", .serialized,
       MLflowServer.prerequisite.trait, .tags(.slow))
struct MLflowTrackingTests {
    @Test("a run's params, per-epoch metrics, tags, status and model artifact read back through MLflow's REST API")
    func runReadsBack() async throws {
        let mlflow = try await MLflowServer()
        defer { mlflow.stop() }
        let directory = Repository.temporaryDirectory("server")
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = directory.appendingPathComponent("alpha.safetensors")
        try ModelFile.save(try TestModels.simple(name: "alpha", seed: 1), to: modelURL)

        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: mlflow.uri, experiment: "digitty-tests", warn: { warnings.add($0) })
        await tracker.startRun(name: "alpha", params: ["epochs": "2", "batch_size": "32", "learning_rate": "0.001"],
                               tags: ["architecture": "Conv2D(4, 3×3) → MaxPool → Dense(16) → Dense(10)",
                                      "augmentation": "rotation ±6°, shift ±10%"])
        let runID = try #require(await tracker.runID, "no run was created: \(warnings.all)")
        for epoch in 1...2 {
            await tracker.log(["loss": 1.0 / Double(epoch), "accuracy": 0.8 + 0.05 * Double(epoch),
                               "val_accuracy": 0.79 + 0.05 * Double(epoch), "images_per_second": 5000], step: epoch)
        }
        await tracker.log(["test_accuracy": 0.9], step: 2)
        await tracker.setTags(["data_sha256": "abc123"])
        await tracker.uploadArtifact(fileAt: modelURL)
        await tracker.finishRun()
        #expect(warnings.all.isEmpty, "\(warnings.all)")

        let run = try await mlflow.run(runID)
        #expect(run.status == "FINISHED")
        #expect(run.name == "alpha")
        #expect(run.params == ["epochs": "2", "batch_size": "32", "learning_rate": "0.001"])
        #expect(run.tags["architecture"]?.hasPrefix("Conv2D(4, 3×3)") == true)
        #expect(run.tags["augmentation"] == "rotation ±6°, shift ±10%")
        #expect(run.tags["data_sha256"] == "abc123")
        #expect(run.metrics["test_accuracy"] == 0.9)
        #expect(run.metrics["loss"] == 0.5)

        let points = try await mlflow.history(runID: runID, metric: "val_accuracy")
        #expect(points.map(\.step) == [1, 2])
        #expect(abs(points[1].value - 0.89) < 1e-9)

        #expect(try await mlflow.artifacts(runID: runID, path: "model") == ["model/alpha.safetensors"])
        let experimentID = run.experimentID
        let downloaded = try await mlflow.artifact(experimentID: experimentID, runID: runID, path: "model/alpha.safetensors")
        #expect(downloaded == (try Data(contentsOf: modelURL)))
        #expect(try ModelFile.decode([UInt8](downloaded), name: "alpha").parameterCount > 0)
    }

    @Test("with --default-artifact-root a path, the model is written into the run's artifact directory and the run ends FINISHED")
    func artifactRootIsAPath() async throws {
        let directory = Repository.temporaryDirectory("server")
        defer { try? FileManager.default.removeItem(at: directory) }
        let root = directory.appendingPathComponent("artifact-root")
        let mlflow = try await MLflowServer(defaultArtifactRoot: root)
        defer { mlflow.stop() }
        let modelURL = directory.appendingPathComponent("beta.safetensors")
        try ModelFile.save(try TestModels.simple(name: "beta", seed: 2), to: modelURL)

        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: mlflow.uri, experiment: "paths", warn: { warnings.add($0) })
        await tracker.startRun(name: "beta", params: ["epochs": "1"])
        let runID = try #require(await tracker.runID, "no run was created: \(warnings.all)")
        await tracker.log(["loss": 0.25], step: 1)
        await tracker.uploadArtifact(fileAt: modelURL)
        await tracker.finishRun()
        #expect(warnings.all.isEmpty, "\(warnings.all)")

        let run = try await mlflow.run(runID)
        #expect(run.status == "FINISHED")
        #expect(run.params == ["epochs": "1"])
        #expect(run.metrics["loss"] == 0.25)
        let stored = root.appendingPathComponent("\(run.experimentID)/\(runID)/artifacts/model/beta.safetensors")
        #expect(try Data(contentsOf: stored) == (try Data(contentsOf: modelURL)))
        // The server lists it too: the file is where it looks.
        #expect(try await mlflow.artifacts(runID: runID, path: "model") == ["model/beta.safetensors"])
    }

    @Test("an artifact directory that cannot be written gives one warning; params, metrics and FINISHED are still logged")
    func artifactRootUnwritable() async throws {
        let directory = Repository.temporaryDirectory("server")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A file stands where the artifact root's directory would be made (root may write anywhere else).
        let blocker = directory.appendingPathComponent("blocker")
        try Data("a file".utf8).write(to: blocker)
        let mlflow = try await MLflowServer(defaultArtifactRoot: blocker.appendingPathComponent("artifacts"))
        defer { mlflow.stop() }
        let modelURL = directory.appendingPathComponent("gamma.safetensors")
        try ModelFile.save(try TestModels.simple(name: "gamma", seed: 3), to: modelURL)

        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: mlflow.uri, warn: { warnings.add($0) })
        await tracker.startRun(name: "gamma", params: ["epochs": "3"])
        let runID = try #require(await tracker.runID, "no run was created: \(warnings.all)")
        await tracker.uploadArtifact(fileAt: modelURL)
        await tracker.log(["test_accuracy": 0.5], step: 3)
        await tracker.finishRun()
        #expect(warnings.all.count == 1, "\(warnings.all)")
        #expect(warnings.all.first?.contains(blocker.path) == true, "\(warnings.all)")
        #expect(warnings.all.first?.contains("without its model/gamma.safetensors") == true, "\(warnings.all)")
        #expect(await tracker.isEnabled)

        let run = try await mlflow.run(runID)
        #expect(run.status == "FINISHED")
        #expect(run.params == ["epochs": "3"])
        #expect(run.metrics["test_accuracy"] == 0.5)
    }

    @Test("the MLflow server going away mid-run gives one warning and the rest of the run goes on")
    func serverGoesAway() async throws {
        let mlflow = try await MLflowServer()
        let warnings = LockedList<String>()
        let tracker = ExperimentTracker(uri: mlflow.uri, warn: { warnings.add($0) })
        await tracker.startRun(name: "short-lived")
        #expect(await tracker.runID != nil)
        mlflow.stop()
        for epoch in 1...3 { await tracker.log(["loss": Double(epoch)], step: epoch) }
        await tracker.finishRun()
        #expect(warnings.all.count == 1)
        #expect(await tracker.isEnabled == false)
        #expect(await tracker.runID == nil)
    }
}
