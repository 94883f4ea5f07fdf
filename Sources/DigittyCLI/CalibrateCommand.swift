import DigittyTraining
import ArgumentParser
import DigittyEngine
import DigittyONNX
import DigittyVision
import Foundation

/// `digitty calibrate`: fits a model's calibration (temperature, "unsure" and "not a digit" thresholds) on the
/// MNIST validation digits (the last training images) and validation junk, and saves the model with it.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a model's calibrated probabilities and verdict thresholds on validation data.",
        discussion: """
            Only validation data is used: the last --validation-size MNIST training images (the digits a training \
            run holds out) and junk pictures generated from --seed (never the test junk). The temperature \
            minimises the digits' negative log-likelihood; "unsure" is chosen at the lowest cost (a wrong digit \
            costs 1, an unsure answer 0.25); "not a digit" at the lowest threshold that rejects at most \
            --false-rejection of the validation digits.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "MNIST directory (default: $DIGITTY_DATA, then the user cache).") var data: String?
    @Option(help: "Where to save the calibrated model, named after the file (default: over --model).") var output: String?
    @Option(help: "Training images held out for validation (the last ones).") var validationSize = 5000
    @Option(help: "Junk pictures of each kind generated for validation.") var junk = 200
    @Option(help: "Seed of the validation junk.") var seed: UInt64 = 0xCA11B
    @Option(help: "Largest share of validation digits the 'not a digit' threshold may reject.") var falseRejection = CalibrateCommand.defaultFalseRejection

    func run() async throws {
        guard validationSize > 0, junk >= 0, (0...1).contains(falseRejection) else {
            throw ValidationError("--validation-size must be positive, --junk not negative, --false-rejection 0…1")
        }
        let url = try modelOptions.resolvedURL()
        guard let model = try modelOptions.load(url) as? SequentialModel else {
            throw CLIError("\(url.path): only native digitty models can be calibrated")
        }
        let data = try MNISTTrainingData.load(directory: mnistDirectory(data), validationSize: validationSize, limit: nil)
        let validation = try Self.validationImages(digits: data.validation, junkPerKind: junk, seed: seed)
        let fit = try CalibrationFit(model: model, validation: validation, falseRejection: falseRejection)
        let outputURL = output.map { URL(fileURLWithPath: $0) } ?? url
        // Named after its file, as `digitty train` names the models it saves.
        let calibrated = try SequentialModel(name: outputURL.deletingPathExtension().lastPathComponent, input: model.input,
                                             layers: model.layers, provenance: model.provenance, calibration: fit.calibration)
        try ModelFile.save(calibrated, to: outputURL)
        print(Self.describe(fit, digits: data.validation.count, junk: validation.count - data.validation.count))
        print("saved \(outputURL.path)")
    }

    /// The images a calibration is fitted on: the validation digits, then `junkPerKind` junk pictures of each
    /// kind from `seed` (by default the command's, never the test junk's).
    static func validationImages(digits: LabelledImages, junkPerKind: Int = 200,
                                 seed: UInt64 = 0xCA11B) throws -> LabelledImages {
        try digits.appending(SyntheticImages.junk(perKind: junkPerKind, digits: digits, seed: seed))
    }

    /// The default share of validation digits the "not a digit" threshold may reject.
    static let defaultFalseRejection = 0.002

    static func describe(_ fit: CalibrationFit, digits: Int, junk: Int) -> String {
        let c = fit.calibration
        var lines = [String(format: "temperature %.3f: validation NLL %.4f → %.4f, ECE %.2f%% → %.2f%% (%d digits)",
                            c.temperature, fit.negativeLogLikelihood.raw, fit.negativeLogLikelihood.calibrated,
                            fit.expectedCalibrationError.raw * 100, fit.expectedCalibrationError.calibrated * 100, digits)]
        lines.append(String(format: "unsure below %.2f: %.2f%% of validation digits unsure", c.unsureBelow, fit.unsure * 100))
        if let threshold = c.notADigitAtLeast {
            lines.append(String(format: "not a digit at %.2f or more: %.2f%% of validation digits rejected", threshold,
                                fit.falseRejection * 100)
                         + (fit.junkRejection.map { String(format: ", %.2f%% of %d validation junk pictures", $0 * 100, junk) } ?? ""))
        } else {
            lines.append("no 'not a digit' output: the model never says it")
        }
        return lines.joined(separator: "\n")
    }
}
