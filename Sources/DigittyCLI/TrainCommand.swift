import ArgumentParser
import DigittyEngine
import DigittyONNX
import DigittyTraining
import DigittyVision
import Foundation

extension Architecture: ExpressibleByArgument {}

/// `digitty train`: trains one model on MNIST and saves it with its provenance.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on MNIST.",
        discussion: """
            Checkpoints after every epoch (beside --output, as <output>.checkpoint). Ctrl-C or SIGTERM finishes \
            the current batch, saves the checkpoint and exits with status 3; --resume continues exactly where it \
            stopped. The model kept is the epoch with the best validation accuracy; the test set is only reported.
            """)

    @Option(help: "Architecture: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var arch: Architecture = .simple
    @Option(help: "Epochs.") var epochs = 10
    @Option(help: "Images per batch.") var batchSize = 32
    @Option(help: "Learning rate.") var learningRate = 1e-3
    @Option(help: "Multiply the learning rate by this after every epoch.") var learningRateDecay = 1.0
    @Option(help: "Optimizer: adam or sgd.") var optimizer = "adam"
    @Option(help: "Momentum for sgd.") var momentum = 0.9
    @Option(help: "Random rotation range in degrees (±).") var rotation = 6.0
    @Option(help: "Random shift range as a fraction of the width and height (±).") var shift = 0.1
    @Option(help: "Random zoom range as a fraction (±).") var zoom = 0.0
    @Option(help: "Elastic distortion strength α (Simard et al.: 34 with σ 4 moves strokes by about a pixel; 0: off).")
    var elastic = 0.0
    @Option(help: "Smoothness σ of the elastic displacement field, in pixels.") var elasticSigma = 4.0
    @Option(help: ArgumentHelp("Share (0–1) of training images drawn again with the terminal app's pen at a random size, then preprocessed as the app does.", valueName: "share"))
    var penRedraw = 0.0
    @Option(help: ArgumentHelp("Start from this model's weights (a model file of the same architecture) to fine-tune it.", valueName: "model"))
    var startFrom: String?
    @Option(help: "Seed for weights, order, augmentation and dropout.") var seed: UInt64 = 1
    @Option(help: "MNIST directory (default: $DIGITTY_DATA, then the user cache).") var data: String?
    @Option(help: "Where to save the model.") var output: String?
    @Option(help: "Checkpoint file (default: <output>.checkpoint).") var checkpoint: String?
    @Flag(help: "Continue from the checkpoint.") var resume = false
    @Option(help: "Training images held out for validation (the last ones).") var validationSize = 5000
    @Option(help: "Use only the first N training (and test) images.") var limit: Int?
    @OptionGroup var mlflow: MLflowOptions

    func validate() throws {
        guard optimizer == "adam" || optimizer == "sgd" else { throw ValidationError("--optimizer must be adam or sgd") }
        if let limit, limit < 2 { throw ValidationError("--limit must be at least 2") }
        guard validationSize >= 0 else { throw ValidationError("--validation-size must not be negative") }
    }

    /// The run's configuration; `startingModel` is the SHA-256 of the `--start-from` file.
    func trainingConfiguration(startingModel: String? = nil) -> TrainingConfiguration {
        let settings = AugmentationSettings(rotation: Float(rotation), widthShift: Float(shift), heightShift: Float(shift),
                                            zoom: Float(zoom), elasticAlpha: Float(elastic), elasticSigma: Float(elasticSigma),
                                            penRedraw: Float(penRedraw))
        return TrainingConfiguration(architecture: arch, epochs: epochs, batchSize: batchSize,
                                     learningRate: learningRate, learningRateDecay: learningRateDecay,
                                     optimizer: optimizer == "sgd" ? .sgd(momentum: momentum) : .adam(),
                                     seed: seed, augmentation: settings.isIdentity ? nil : settings,
                                     startingModel: startingModel)
    }

    /// The `--start-from` model and its file's SHA-256.
    func loadStartingModel() throws -> (model: SequentialModel, checksum: String)? {
        guard let startFrom else { return nil }
        let url = URL(fileURLWithPath: startFrom)
        guard let model = try ModelLoader.load(contentsOf: url) as? SequentialModel,
              model.specs.map(\.normalized) == arch.layers.map(\.normalized) else {
            throw CLIError("--start-from \(startFrom): its layers are not those of --arch \(arch.rawValue)")
        }
        return (model, try SHA256.hex(contentsOf: url))
    }

    func run() async throws {
        let start = try loadStartingModel()
        let configuration = trainingConfiguration(startingModel: start?.checksum)
        try configuration.validate()
        let outputURL = URL(fileURLWithPath: output ?? "\(arch.rawValue).safetensors")
        let checkpointURL = URL(fileURLWithPath: checkpoint ?? outputURL.path + ".checkpoint")
        let progress = ProgressLine()
        let stop = StopSignal()
        let directory = mnistDirectory(data)
        let dataset = try MNISTTrainingData.load(directory: directory, validationSize: validationSize, limit: limit)
        progress.print("training \(arch.rawValue) (\(arch.summary)) on \(dataset.summary)")
        let session = TrainingSession(name: outputURL.deletingPathExtension().lastPathComponent,
                                      configuration: configuration, data: dataset, output: outputURL,
                                      checkpoint: checkpointURL, resume: resume, startingModel: start?.model)
        switch try await session.run(stop: stop, progress: progress, tracking: mlflow.makeTracking()) {
        case let .finished(model, testAccuracy, _, seconds):
            progress.print(String(format: "saved %@: validation %.2f%%, test %.2f%% (%d parameters, %@)",
                                  outputURL.path, (model.provenance.validationAccuracy ?? 0) * 100,
                                  testAccuracy * 100, model.parameterCount, ProgressLine.duration(seconds)))
        case .interrupted:
            throw ExitCode(3)
        }
    }
}
