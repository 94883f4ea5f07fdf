import ArgumentParser
import DigittyEngine
import DigittyTraining
import Foundation

/// `digitty experiment`: the original project's grid (simple and deep × rotation 6° and 12°), one directory
/// per run and a leaderboard chosen on validation accuracy.
struct ExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run the original grid: simple and deep × rotation 6° and 12° (10 epochs, batch 32, Adam 1e-3).",
        discussion: """
            Each run gets a directory with params.json, metrics.csv (one row per epoch) and model.safetensors; \
            leaderboard.md and leaderboard.json rank the runs by validation accuracy. Finished runs are kept \
            when the command is run again, interrupted ones resume from their checkpoint.
            """)

    @Option(help: "Directory for the runs and the leaderboard.") var output = "experiments"
    @Option(help: "Epochs per run.") var epochs = 10
    @Option(help: "Images per batch.") var batchSize = 32
    @Option(help: "Learning rate (Adam).") var learningRate = 1e-3
    @Option(help: "Seed of every run.") var seed: UInt64 = 1
    @Option(help: "MNIST directory (default: $DIGITTY_DATA, then the user cache).") var data: String?
    @Option(help: "Training images held out for validation (the last ones).") var validationSize = 5000
    @Option(help: "Use only the first N training (and test) images.") var limit: Int?
    @Option(help: "Only the runs whose name contains this (e.g. simple).") var only: String?
    @OptionGroup var mlflow: MLflowOptions

    /// The original results (Keras, MNIST test accuracy) to compare with.
    static let original: [String: Double] = ["simple-rot6": 0.9916, "simple-rot12": 0.9905, "deep-rot6": 0.9882,
                                             "deep-rot12": 0.9841]

    struct Run: Codable {
        var name: String
        var architecture: String
        var rotation: Double
        var configuration: TrainingConfiguration
        var dataset: String
    }

    struct Entry: Codable {
        var rank: Int
        var name: String
        var architecture: String
        var rotation: Double
        var bestEpoch: Int?
        var validationAccuracy: Double?
        var testAccuracy: Double?
        var originalTestAccuracy: Double?
        var trainingSeconds: Double
        var model: String
    }

    func run() async throws {
        let root = URL(fileURLWithPath: output)
        let dataset = try MNISTTrainingData.load(directory: mnistDirectory(data), validationSize: validationSize,
                                                 limit: limit)
        let progress = ProgressLine()
        let stop = StopSignal()
        let tracking = mlflow.makeTracking()
        var runs: [Run] = []
        for architecture in [Architecture.simple, .deep] {
            for rotation in [6.0, 12.0] {
                let name = "\(architecture.rawValue)-rot\(Int(rotation))"
                if let only, !name.contains(only) { continue }
                let configuration = TrainingConfiguration(
                    architecture: architecture, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                    seed: seed, augmentation: .original(rotation: Float(rotation)))
                runs.append(Run(name: name, architecture: architecture.rawValue, rotation: rotation,
                                configuration: configuration, dataset: dataset.summary))
            }
        }
        let started = Date()
        for run in runs {
            let directory = root.appendingPathComponent(run.name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let modelURL = directory.appendingPathComponent("model.safetensors")
            let checkpointURL = directory.appendingPathComponent("checkpoint.safetensors")
            if let existing = try? ModelFile.load(contentsOf: modelURL), existing.provenance.epochs == epochs {
                progress.print("\(run.name): already done")
                continue
            }
            try AtomicFile.write(try Self.json(run), to: directory.appendingPathComponent("params.json"))
            progress.print("\(run.name): \(run.configuration.augmentation?.summary ?? "")")
            var session = TrainingSession(name: run.name, configuration: run.configuration, data: dataset,
                                          output: modelURL, checkpoint: checkpointURL,
                                          resume: FileManager.default.fileExists(atPath: checkpointURL.path))
            session.onEpoch = { history in
                try AtomicFile.write(Data(Self.csv(history).utf8), to: directory.appendingPathComponent("metrics.csv"))
            }
            if case .interrupted = try await session.run(stop: stop, progress: progress, tracking: tracking) { throw ExitCode(3) }
        }
        let entries = try leaderboard(root: root, runs: runs)
        try AtomicFile.write(Data(Self.markdown(entries, wallSeconds: Date().timeIntervalSince(started)).utf8),
                             to: root.appendingPathComponent("leaderboard.md"))
        try AtomicFile.write(try Self.json(entries), to: root.appendingPathComponent("leaderboard.json"))
        if let best = entries.first {
            progress.print(String(format: "best on validation: %@ (validation %.2f%%, test %.2f%%); leaderboard in %@",
                                  best.name, (best.validationAccuracy ?? 0) * 100, (best.testAccuracy ?? 0) * 100,
                                  root.appendingPathComponent("leaderboard.md").path))
        }
    }

    func leaderboard(root: URL, runs: [Run]) throws -> [Entry] {
        var entries: [Entry] = []
        for run in runs {
            let modelURL = root.appendingPathComponent(run.name).appendingPathComponent("model.safetensors")
            let model = try ModelFile.load(contentsOf: modelURL)
            let csv = (try? String(contentsOf: root.appendingPathComponent(run.name).appendingPathComponent("metrics.csv"),
                                   encoding: .utf8)) ?? ""
            let seconds = csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").dropFirst(6).first }
                .compactMap { Double($0) }.reduce(0, +)
            let bestEpoch = model.provenance.notes.flatMap { notes in
                notes.split(separator: " ").compactMap { Int($0) }.first
            }
            entries.append(Entry(rank: 0, name: run.name, architecture: run.architecture, rotation: run.rotation,
                                 bestEpoch: bestEpoch, validationAccuracy: model.provenance.validationAccuracy,
                                 testAccuracy: model.provenance.testAccuracy,
                                 originalTestAccuracy: Self.original[run.name], trainingSeconds: seconds,
                                 model: "\(run.name)/model.safetensors"))
        }
        entries.sort { ($0.validationAccuracy ?? 0) > ($1.validationAccuracy ?? 0) }
        for index in entries.indices { entries[index].rank = index + 1 }
        return entries
    }

    static func csv(_ history: [EpochMetrics]) -> String {
        var text = "epoch,loss,accuracy,validation_loss,validation_accuracy,learning_rate,seconds,images_per_second\n"
        for metrics in history {
            text += "\(metrics.epoch),\(metrics.loss),\(metrics.accuracy),\(metrics.validationLoss.map { "\($0)" } ?? ""),"
                + "\(metrics.validationAccuracy.map { "\($0)" } ?? ""),\(metrics.learningRate),"
                + String(format: "%.2f,%.0f\n", metrics.seconds, metrics.imagesPerSecond)
        }
        return text
    }

    static func markdown(_ entries: [Entry], wallSeconds: Double) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f%%", $0 * 100) } ?? "–" }
        var text = """
            # Experiment leaderboard

            The original grid (10 epochs, batch 32, Adam 1e-3, shifts ±10%), ranked by validation accuracy (the last \
            5,000 training images); the test accuracy is reported only. "Keras" is the original project's test accuracy.

            | rank | run | validation | test | Keras | best epoch | training time |
            |---:|---|---:|---:|---:|---:|---:|

            """
        for entry in entries {
            text += "| \(entry.rank) | \(entry.name) | \(percent(entry.validationAccuracy)) | \(percent(entry.testAccuracy)) "
                + "| \(percent(entry.originalTestAccuracy)) | \(entry.bestEpoch.map(String.init) ?? "–") "
                + "| \(ProgressLine.duration(entry.trainingSeconds)) |\n"
        }
        if let best = entries.first { text += "\nBest on validation: **\(best.name)**.\n" }
        text += "\nWall time of this invocation: \(ProgressLine.duration(wallSeconds)).\n"
        return text
    }

    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}
