import DigittyEngine
import DigittyTracking
import DigittyTraining
import DigittyVision
import Foundation

/// One training run as the CLI drives it: resume from a checkpoint if asked, train epoch by epoch with a
/// live progress line, checkpoint after every epoch (and when interrupted), then save the best model with
/// its provenance and report the test accuracy.
struct TrainingSession {
    var name: String
    var configuration: TrainingConfiguration
    var data: MNISTTrainingData
    var output: URL
    var checkpoint: URL
    var resume: Bool
    /// The model whose weights the run starts from (the configuration holds its checksum).
    var startingModel: SequentialModel? = nil
    /// Called after every epoch with the metrics of all epochs so far (e.g. to write metrics.csv).
    var onEpoch: ([EpochMetrics]) throws -> Void = { _ in }

    enum Outcome {
        case finished(model: SequentialModel, testAccuracy: Double, history: [EpochMetrics], seconds: Double)
        case interrupted(signal: Int32)
    }

    func run(stop: StopSignal, progress: ProgressLine) throws -> Outcome {
        try prepareFiles(progress: progress)
        let trainer = try Trainer(name: name, configuration: configuration, training: data.training,
                                  validation: data.validation,
                                  augmenter: configuration.augmentation.map { Augmenter(settings: $0) },
                                  startingModel: startingModel)
        if resume {
            guard FileManager.default.fileExists(atPath: checkpoint.path) else {
                throw CLIError("no checkpoint at \(checkpoint.path) to resume from")
            }
            try trainer.restore(try TrainingCheckpoint.load(contentsOf: checkpoint))
            progress.print("resuming \(name) at epoch \(trainer.state.epoch + 1), batch \(trainer.state.batch)")
        }
        let started = Date()
        while !trainer.isFinished {
            let metrics = trainer.runEpoch(progress: { progress.update(ProgressLine.describe($0)) },
                                           shouldStop: { stop.isRaised })
            try trainer.checkpoint().save(to: checkpoint)
            guard let metrics else {
                progress.print("interrupted: finished the batch, saved \(checkpoint.path); continue with --resume")
                return .interrupted(signal: stop.signalNumber ?? SIGINT)
            }
            progress.print(String(format: "epoch %d/%d: loss %.4f, accuracy %.2f%%, validation %.2f%%, %.1f s (%d images/s)",
                                  metrics.epoch, configuration.epochs, metrics.loss, metrics.accuracy * 100,
                                  (metrics.validationAccuracy ?? 0) * 100, metrics.seconds, Int(metrics.imagesPerSecond)))
            try onEpoch(trainer.state.history)
            if stop.isRaised && !trainer.isFinished {
                progress.print("interrupted: saved \(checkpoint.path); continue with --resume")
                return .interrupted(signal: stop.signalNumber ?? SIGINT)
            }
        }
        let test = trainer.evaluateBest(data.test)
        let state = trainer.state
        let provenance = ModelProvenance(
            trainedWith: "digitty train (architecture \(configuration.architecture))",
            dataset: data.summary,
            augmentation: configuration.augmentation?.summary ?? "none",
            epochs: configuration.epochs, batchSize: configuration.batchSize,
            learningRate: configuration.learningRate, optimizer: configuration.optimizer.description,
            seed: configuration.seed, validationAccuracy: state.bestValidationAccuracy,
            testAccuracy: test.accuracy, dataChecksums: data.checksums,
            created: ISO8601DateFormatter().string(from: Date()),
            notes: "best epoch on validation: \(state.bestEpoch ?? configuration.epochs) of \(configuration.epochs)"
                + (configuration.learningRateDecay != 1 ? "; learning rate ×\(configuration.learningRateDecay) per epoch" : "")
                + (startingModel.map { "; fine-tuned from \($0.name) (file SHA-256 \(configuration.startingModel ?? ""))" } ?? ""))
        let model = try trainer.finalModel(provenance: provenance)
        try ModelFile.save(model, to: output)
        try? FileManager.default.removeItem(at: checkpoint)
        return .finished(model: model, testAccuracy: test.accuracy, history: state.history,
                         seconds: Date().timeIntervalSince(started))
    }
}

extension TrainingSession {
    /// Before any training: the directories of the model and the checkpoint exist and can be written, neither
    /// path is a directory, a checkpoint is not overwritten unless resumed, and the temporary files that a
    /// write killed mid-way (SIGKILL, power loss) left beside them are removed.
    func prepareFiles(progress: ProgressLine) throws {
        for file in [output, checkpoint] {
            let directory = file.deletingLastPathComponent()
            try OutputDirectory.create(directory)
            guard access(directory.path, W_OK) == 0 else {
                throw CLIError("cannot write into \(directory.path): \(String(cString: strerror(errno)))")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw CLIError("cannot write \(file.path): it is a directory")
            }
            for leftover in AtomicFile.removeLeftovers(of: file) {
                progress.print("removed \(leftover), left by an interrupted write")
            }
        }
        if !resume, FileManager.default.fileExists(atPath: checkpoint.path) {
            throw CLIError("\(checkpoint.path) holds an earlier run's checkpoint: pass --resume to continue it, or remove it to start over")
        }
    }

    /// `run`, logged through `tracking` as one MLflow run named `name`: params and tags first, metrics after
    /// every epoch (once the checkpoint is written), then the test accuracy, the model file and FINISHED; KILLED
    /// when interrupted, FAILED on an error. Logging runs in the background; this waits for it only at the end.
    func run(stop: StopSignal, progress: ProgressLine, tracking: TrackingQueue) async throws -> Outcome {
        let log = TrainingRunLog(queue: tracking, name: name, description: RunDescription(
            configuration: configuration, dataset: data.summary, checksums: data.checksums,
            imageCounts: ["training_images": data.training.count, "validation_images": data.validation.count,
                          "test_images": data.test.count]))
        var session = self
        let recordLocally = onEpoch
        session.onEpoch = { history in
            try recordLocally(history)
            log.log(history: history)
        }
        let outcome: Outcome
        do {
            outcome = try session.run(stop: stop, progress: progress)
        } catch {
            log.end(.failed)
            await tracking.flush()
            throw error
        }
        switch outcome {
        case let .finished(model, testAccuracy, history, _):
            var metrics = ["test_accuracy": testAccuracy, "parameters": Double(model.parameterCount)]
            metrics["best_val_accuracy"] = model.provenance.validationAccuracy
            log.finish(metrics: metrics, step: history.last?.epoch ?? configuration.epochs, model: output)
        case .interrupted:
            log.end(.killed)
        }
        await tracking.flush()
        return outcome
    }
}
