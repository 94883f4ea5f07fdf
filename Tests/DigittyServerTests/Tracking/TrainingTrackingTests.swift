import DigittyEngine
import DigittyTestSupport
import DigittyTraining
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `digitty train` and `digitty experiment`, the real binary on small synthetic data, logging to a real MLflow
/// server; everything is read back through MLflow's REST API.
@Suite("Training runs logged to a real MLflow server", .serialized,
       MLflowServer.prerequisite.trait, .tags(.slow))
struct TrainingTrackingTests {
    static let common = ["--validation-size", "100", "--batch-size", "16", "--rotation", "6", "--seed", "3"]

    /// Runs `body` with a fresh MLflow server and a synthetic data set, both removed after it. With
    /// `artifactRoot`, the server hands out artifact paths under `<data>/<artifactRoot>` instead of proxying them.
    static func withServer(training: Int, test: Int, artifactRoot: String? = nil,
                           _ body: (MLflowServer, URL) async throws -> Void) async throws {
        let data = try SyntheticMNIST.write(training: training, test: test)
        defer { try? FileManager.default.removeItem(at: data) }
        let mlflow = try await MLflowServer(defaultArtifactRoot: artifactRoot.map { data.appendingPathComponent($0) })
        defer { mlflow.stop() }
        try await body(mlflow, data)
    }

    @Test("a two-epoch `digitty train` logs its params, per-epoch metrics, test accuracy, tags, model file and FINISHED")
    func trainFinished() async throws {
        try await Self.withServer(training: 500, test: 60) { mlflow, data in
            let output = data.appendingPathComponent("bars.safetensors")
            // The server comes from MLFLOW_TRACKING_URI here; the other tests pass --mlflow.
            let result = try await DigittyProcess.run(
                ["train", "--data", data.path, "--epochs", "2", "--output", output.path, "--mlflow-experiment", "bars"] + Self.common,
                environment: ["MLFLOW_TRACKING_URI": mlflow.uri])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("warning"), "\(result.stderr)")

            let run = try #require(try await mlflow.runs(inExperiment: "bars")["bars"], "no run named bars")
            #expect(run.status == "FINISHED")
            for (key, value) in ["architecture": "simple", "epochs": "2", "batch_size": "16", "learning_rate": "0.001",
                                 "optimizer": "adam", "rotation": "6.0", "width_shift": "0.1", "zoom": "0.0", "elastic_alpha": "0.0",
                                 "seed": "3", "training_images": "400", "validation_images": "100", "test_images": "60"] {
                #expect(run.params[key] == value, "param \(key): \(run.params[key] ?? "missing")")
            }
            #expect(run.tags["architecture"] == Architecture.simple.summary)
            #expect(run.tags["augmentation"]?.hasPrefix("rotation ±6°, shift ±10%") == true)
            #expect(run.tags["dataset"]?.contains("400 images") == true)
            for (file, checksum) in try SyntheticMNIST.checksums(in: data) {
                #expect(run.tags["data_sha256." + file] == checksum, "checksum tag of \(file)")
            }

            let model = try ModelFile.load(contentsOf: output)
            for metric in ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "images_per_second", "epoch_seconds"] {
                let history = try await mlflow.history(runID: run.id, metric: metric)
                #expect(history.map(\.step) == [1, 2], "\(metric): steps \(history.map(\.step))")
                #expect(history.allSatisfy { $0.value.isFinite && $0.value >= 0 }, "\(metric): \(history)")
            }
            let validation = try await mlflow.history(runID: run.id, metric: "val_accuracy").map(\.value)
            #expect(run.metrics["best_val_accuracy"] == model.provenance.validationAccuracy)
            #expect(abs((run.metrics["best_val_accuracy"] ?? -1) - (validation.max() ?? -2)) < 1e-9)
            #expect(run.metrics["test_accuracy"] == model.provenance.testAccuracy)
            #expect(run.metrics["parameters"] == Double(model.parameterCount))

            #expect(try await mlflow.artifacts(runID: run.id, path: "model") == ["model/bars.safetensors"])
            let artifact = try await mlflow.artifact(experimentID: run.experimentID, runID: run.id, path: "model/bars.safetensors")
            #expect(artifact == (try Data(contentsOf: output)))
        }
    }

    @Test("against `mlflow server --default-artifact-root DIR`, `digitty train` writes its model under DIR and ends FINISHED")
    func trainWithArtifactRootPath() async throws {
        try await Self.withServer(training: 300, test: 20, artifactRoot: "artifact-root") { mlflow, data in
            let output = data.appendingPathComponent("rooted.safetensors")
            let result = try await DigittyProcess.run(
                ["train", "--data", data.path, "--epochs", "1", "--output", output.path, "--mlflow", mlflow.uri] + Self.common)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("warning"), "\(result.stderr)")
            let run = try #require(try await mlflow.runs(inExperiment: "digitty")["rooted"], "no run named rooted")
            #expect(run.status == "FINISHED")
            #expect(run.params["epochs"] == "1" && run.metrics["test_accuracy"] != nil, "\(run.params) \(run.metrics)")
            let stored = data.appendingPathComponent("artifact-root/\(run.experimentID)/\(run.id)/artifacts/model/rooted.safetensors")
            #expect(try Data(contentsOf: stored) == (try Data(contentsOf: output)))
        }
    }

    @Test("SIGTERM mid-training: the checkpoint is saved, the epochs done are logged and the run ends KILLED")
    func trainKilled() async throws {
        try await Self.withServer(training: 3000, test: 60) { mlflow, data in
            let output = data.appendingPathComponent("stopped.safetensors")
            let train = try DigittyBinary(["train", "--data", data.path, "--epochs", "20", "--output", output.path,
                                           "--mlflow", mlflow.uri] + Self.common)
            #expect(try await train.waitFor("epoch 1/20:"), "no epoch finished: \(train.stderr)")
            train.send(SIGTERM)
            let status = try await train.wait()
            #expect(status == 3, "\(train.stderr)")
            #expect(FileManager.default.fileExists(atPath: output.path + ".checkpoint"), "no checkpoint: \(train.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path))

            let run = try #require(try await mlflow.runs(inExperiment: "digitty")["stopped"], "no run named stopped")
            #expect(run.status == "KILLED")
            let steps = try await mlflow.history(runID: run.id, metric: "loss").map(\.step)
            #expect(steps.first == 1 && steps == Array(1...steps.count) && steps.count < 20, "logged steps \(steps)")
            #expect(run.metrics["test_accuracy"] == nil)
        }
    }

    @Test("a training that fails after starting ends its run FAILED")
    func trainFailed() async throws {
        try await Self.withServer(training: 300, test: 20) { mlflow, data in
            // The output's directory cannot be created: a file stands where it should be.
            let blocker = data.appendingPathComponent("blocker")
            try Data("not a directory".utf8).write(to: blocker)
            let result = try await DigittyProcess.run(
                ["train", "--data", data.path, "--epochs", "1", "--output", blocker.appendingPathComponent("m.safetensors").path,
                 "--mlflow", mlflow.uri] + Self.common)
            #expect(result.status == 1, "\(result.stderr)")
            let run = try #require(try await mlflow.runs(inExperiment: "digitty")["m"], "no run named m")
            #expect(run.status == "FAILED")
        }
    }

    @Test("`digitty experiment --only simple-rot6` logs one run with the grid's params and its model file")
    func experiment() async throws {
        try await Self.withServer(training: 400, test: 40) { mlflow, data in
            let output = data.appendingPathComponent("grid")
            let result = try await DigittyProcess.run(
                ["experiment", "--data", data.path, "--output", output.path, "--epochs", "2", "--validation-size", "100",
                 "--only", "simple-rot6", "--mlflow", mlflow.uri, "--mlflow-experiment", "grid"])
            #expect(result.status == 0, "\(result.stderr)")
            let runs = try await mlflow.runs(inExperiment: "grid")
            #expect(Array(runs.keys) == ["simple-rot6"])
            let run = try #require(runs["simple-rot6"])
            #expect(run.status == "FINISHED")
            #expect(run.params["rotation"] == "6.0" && run.params["epochs"] == "2" && run.params["batch_size"] == "32")
            #expect(try await mlflow.history(runID: run.id, metric: "val_accuracy").map(\.step) == [1, 2])
            let local = output.appendingPathComponent("simple-rot6/model.safetensors")
            let artifact = try await mlflow.artifact(experimentID: run.experimentID, runID: run.id, path: "model/model.safetensors")
            #expect(artifact == (try Data(contentsOf: local)))
        }
    }
}

@Suite("Training with an unreachable MLflow server")
struct UnreachableTrackingTests {
    @Test("`digitty train --mlflow` to a closed port warns exactly once on stderr and trains to the end")
    func unreachable() async throws {
        let data = try SyntheticMNIST.write(training: 300, test: 20)
        defer { try? FileManager.default.removeItem(at: data) }
        let output = data.appendingPathComponent("alone.safetensors")
        let result = try await DigittyProcess.run(
            ["train", "--data", data.path, "--epochs", "2", "--output", output.path,
             "--mlflow", "http://127.0.0.1:\(Tools.freePort())"] + TrainingTrackingTests.common)
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning") }
        #expect(warnings.count == 1, "\(result.stderr)")
        #expect(warnings.first?.contains("unreachable") == true && warnings.first?.contains("training goes on") == true)
        #expect(result.stderr.contains("epoch 2/2:"))
        #expect(try ModelFile.load(contentsOf: output).provenance.epochs == 2)
    }
}
