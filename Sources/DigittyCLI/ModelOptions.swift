import ArgumentParser
import DigittyEngine
import DigittyONNX
import Foundation

/// `--model PATH`, shared by every command that uses a model. Without it the default model is used
/// (`DIGITTY_MODEL`, else `Models/default.safetensors` found from the executable or the source tree).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model file (.safetensors or .onnx). Default: $DIGITTY_MODEL, else the shipped default model.")
    var model: String?

    /// The model file to use.
    func resolvedURL() throws -> URL {
        if let model { return URL(fileURLWithPath: model) }
        guard let url = ModelLocator.defaultModel() else {
            throw CLIError("no default model found: pass --model PATH or set DIGITTY_MODEL")
        }
        return url
    }

    /// Loads a model file.
    func load(_ url: URL) throws -> any ImageClassifier {
        do {
            return try ModelLoader.load(contentsOf: url)
        } catch {
            throw CLIError(error.description)
        }
    }
}

/// A one-line error for the user; ArgumentParser prints it on stderr and exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
