import ArgumentParser
import DigittyEngine
import DigittyTraining
import DigittyVision
import Foundation

/// `digitty tune`: fine-tunes a model on the drawings taught in the app, without letting it forget MNIST.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Fine-tune a personal model on the drawings you taught in the app.",
        discussion: """
            Reads the drawings (one folder per digit, 0 … 9, of 28×28 PNGs; other files are listed and skipped), \
            trains the model on varied copies of them (turned, thicker or thinner, shifted) with MNIST training \
            digits replayed alongside, and writes the personal model only if its MNIST validation accuracy \
            (the last 5,000 training digits) drops by at most 0.1 points. Its metadata records the base model, \
            the drawings' count and checksum, and the accuracies before and after. Ctrl-C stops it and writes \
            nothing, leaving the previous personal model as it was.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "The taught drawings (default: $XDG_DATA_HOME/digitty/drawings, else ~/.local/share/digitty/drawings).")
    var drawings: String?
    @Option(help: "Where to write the personal model (default: $XDG_DATA_HOME/digitty/models/personal.safetensors).")
    var output: String?
    @Option(help: "MNIST directory (default: $DIGITTY_DATA, then the user cache).") var data: String?
    @Option(help: "Epochs over the drawings and the replayed digits.") var epochs = PersonalTuning.Settings().epochs
    @Option(help: "Seed for the variations, the replayed sample and the order.") var seed: UInt64 = 1

    func validate() throws {
        guard (1...50).contains(epochs) else { throw ValidationError("--epochs must be 1…50") }
    }

    /// The tuning these options describe.
    static func tuning(base: URL, drawings: String?, output: String?, data: String?) -> PersonalModelTuning {
        PersonalModelTuning(base: base,
                            drawings: DrawingStore(directory: drawings.map { URL(fileURLWithPath: $0) } ?? UserData.drawings()),
                            output: output.map { URL(fileURLWithPath: $0) } ?? UserData.personalModel(),
                            data: mnistDirectory(data))
    }

    func run() throws {
        var tuning = Self.tuning(base: try modelOptions.resolvedURL(), drawings: drawings, output: output, data: data)
        tuning.settings.epochs = epochs
        tuning.settings.seed = seed
        let progress = ProgressLine()
        let stop = StopSignal()
        let outcome = try tuning.run(report: { progress.print($0) }, progress: { progress.update($0) },
                                     shouldStop: { stop.isRaised })
        progress.print(PersonalModelTuning.describe(outcome, output: tuning.output))
        switch outcome {
        case .written: return
        case .refused: throw ExitCode(1)
        case .interrupted: throw ExitCode(3)
        }
    }
}
