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
    @Option(help: "Slant: on half of the images, a shear drawn from ±this (0.4 leans by about 22°).") var shear = 0.0
    @Option(help: "Aspect ratio: on half of the images, width × r and height ÷ r with r from 1/(1+a) to 1+a.") var aspect = 0.0
    @Option(help: ArgumentHelp("Share (0–1) of images whose ink is stretched to fill a square box.", valueName: "share"))
    var stretchToFill = 0.0
    @Option(help: ArgumentHelp("Share (0–1) of images whose strokes are thinned or thickened.", valueName: "share"))
    var thickness = 0.0
    @Option(help: ArgumentHelp("Share (0–1) of images drawn at 8–16 cells, binarised and scaled back up.", valueName: "share"))
    var lowResolution = 0.0
    @Option(help: ArgumentHelp("Add this many drawings of each trained handwriting style MNIST lacks (continental 1, crossed 7, …).", valueName: "count"))
    var styles = 0
    @Option(help: ArgumentHelp("Add this many junk pictures of each kind as an eleventh class, 'not a digit' (widens a ten-class --start-from model).", valueName: "count"))
    var notADigit = 0
    @Option(help: ArgumentHelp("Junk pictures of each kind added to validation (another seed), with --not-a-digit.", valueName: "count"))
    var validationJunk = 200
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
        guard styles >= 0, notADigit >= 0, validationJunk >= 0 else {
            throw ValidationError("--styles, --not-a-digit and --validation-junk must not be negative")
        }
        guard validationSize >= 0 else { throw ValidationError("--validation-size must not be negative") }
    }

    /// The run's configuration; `startingModel` is the SHA-256 of the `--start-from` file.
    func trainingConfiguration(startingModel: String? = nil) -> TrainingConfiguration {
        let settings = AugmentationSettings(rotation: Float(rotation), widthShift: Float(shift), heightShift: Float(shift),
                                            zoom: Float(zoom), elasticAlpha: Float(elastic), elasticSigma: Float(elasticSigma),
                                            penRedraw: Float(penRedraw), shear: Float(shear), aspect: Float(aspect),
                                            stretchToFill: Float(stretchToFill), thickness: Float(thickness),
                                            lowResolution: Float(lowResolution))
        return TrainingConfiguration(architecture: architectureName, layers: layers, epochs: epochs, batchSize: batchSize,
                                     learningRate: learningRate, learningRateDecay: learningRateDecay,
                                     optimizer: optimizer == "sgd" ? .sgd(momentum: momentum) : .adam(),
                                     seed: seed, augmentation: settings.isIdentity ? nil : settings,
                                     startingModel: startingModel)
    }

    /// The layers trained: the architecture's, with an eleventh output when `--not-a-digit` is given.
    var layers: [LayerSpec] { notADigit > 0 ? SequentialModel.widening(arch.layers) : arch.layers }
    var architectureName: String { notADigit > 0 ? "\(arch.rawValue)+not-a-digit" : arch.rawValue }

    /// The `--start-from` model (widened to eleven outputs when it has ten and `--not-a-digit` is given) and its
    /// file's SHA-256.
    func loadStartingModel() throws -> (model: SequentialModel, checksum: String)? {
        guard let startFrom else { return nil }
        let url = URL(fileURLWithPath: startFrom)
        guard var model = try ModelLoader.load(contentsOf: url) as? SequentialModel else {
            throw CLIError("--start-from \(startFrom): not a native digitty model")
        }
        if notADigit > 0, model.specs.map(\.normalized) == arch.layers.map(\.normalized) { model = try model.widened() }
        guard model.specs.map(\.normalized) == layers.map(\.normalized) else {
            throw CLIError("--start-from \(startFrom): its layers are not those of --arch \(arch.rawValue)"
                           + (notADigit > 0 ? " (with or without 'not a digit')" : ""))
        }
        return (model, try SHA256.hex(contentsOf: url))
    }

    /// MNIST with the synthetic additions asked for: styles and junk appended to training, junk from another
    /// seed to validation. The test set stays MNIST's.
    func addSynthetic(to dataset: inout MNISTTrainingData) throws {
        if styles > 0 {
            dataset.training = try dataset.training.appending(
                SyntheticImages.styles(StrokeStyle.trained, perStyle: styles, seed: seed &+ 0x57_11E5))
            dataset.additions.append("\(styles) drawings of each of \(StrokeStyle.trained.count) styles "
                                     + "(\(StrokeStyle.trained.map(\.rawValue).joined(separator: ", ")))")
        }
        if notADigit > 0 {
            dataset.training = try dataset.training.appending(
                SyntheticImages.junk(perKind: notADigit, digits: dataset.training, seed: seed &+ 0x7A_4E))
            dataset.validation = try dataset.validation.appending(
                SyntheticImages.junk(perKind: validationJunk, digits: dataset.validation, seed: seed &+ 0x7A_4E_0001))
            dataset.additions.append("\(notADigit) junk pictures of each of \(Junk.allCases.count) kinds as class 10 "
                                     + "(\(Junk.allCases.map(\.rawValue).joined(separator: ", "))); validation: "
                                     + "\(validationJunk) of each from another seed")
        }
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
        var dataset = try MNISTTrainingData.load(directory: directory, validationSize: validationSize, limit: limit)
        try addSynthetic(to: &dataset)
        progress.print("training \(architectureName) (\(layers.map(\.summary).joined(separator: " → "))) on \(dataset.summary)")
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
