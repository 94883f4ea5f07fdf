import ArgumentParser
import DigittyEngine
import DigittyONNX
import Foundation

/// `--model PATH` and `--scaling`, shared by every command that uses a model. Without `--model` the default
/// model is used (`DIGITTY_MODEL`, else `Models/default.safetensors` found from the executable or the source tree).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (.safetensors or .onnx). Default: $DIGITTY_MODEL, else the shipped default model.")
    var model: String?

    @OptionGroup var scalingOptions: ScalingOptions

    /// The model file to use.
    func resolvedURL() throws -> URL {
        if let model { return URL(fileURLWithPath: model) }
        guard let url = ModelLocator.defaultModel() else {
            throw CLIError("no default model found: pass --model PATH or set DIGITTY_MODEL")
        }
        return url
    }

    /// Loads a model file, with the input scaling `--scaling` gives, else the one the file records.
    func load(_ url: URL) throws -> any ImageClassifier {
        let scaling = try scalingOptions.parsed()
        do {
            return try ModelLoader.load(contentsOf: url, scaling: scaling)
        } catch {
            throw CLIError(error.description)
        }
    }
}

/// `--scaling unit | byte | standardize MEAN STD`: how the model wants its 0…1 pixels scaled, overriding what
/// its file records (native files record it; ONNX files exported by digitty too; other ONNX files default to unit).
struct ScalingOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Input scaling the model expects: unit (pixels/255), byte (0…255) or standardize MEAN STD. Default: what the model file records, else unit.",
        valueName: "kind"))
    var scaling: [String] = []

    func validate() throws { _ = try parsed() }

    /// The scaling given, or nil when `--scaling` is absent.
    func parsed() throws -> InputSpec.Scaling? {
        let words = scaling
        let needed = ["unit": 1, "byte": 1, "standardize": 3, "standardized": 3][words.first?.lowercased() ?? ""]
        if let needed, words.count > needed {
            throw ValidationError("--scaling \(words.prefix(needed).joined(separator: " ")) is followed by "
                                  + "'\(words.dropFirst(needed).joined(separator: " "))'; put --scaling after the files, or end it with --")
        }
        switch words.first?.lowercased() {
        case nil: return nil
        case "unit" where words.count == 1: return .unit
        case "byte" where words.count == 1: return .byte
        case "standardize" where words.count == 3, "standardized" where words.count == 3:
            guard let mean = Float(words[1]), let std = Float(words[2]), std.isFinite, std != 0, mean.isFinite else {
                throw ValidationError("--scaling standardize needs a finite MEAN and a finite non-zero STD")
            }
            return .standardized(mean: mean, std: std)
        default:
            throw ValidationError("--scaling must be unit, byte or standardize MEAN STD, got '\(words.joined(separator: " "))'")
        }
    }

    static func describe(_ scaling: InputSpec.Scaling) -> String {
        switch scaling {
        case .unit: "unit (pixels/255)"
        case .byte: "byte (0…255)"
        case let .standardized(mean, std): "standardized ((unit − \(mean)) / \(std))"
        }
    }
}

/// A one-line error for the user; ArgumentParser prints it on stderr and exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
