import ArgumentParser
import DigittyEngine
import DigittyONNX
import DigittyTerminal
import Foundation

/// `digitty draw` (the default command): draw a digit in the terminal and watch the model read it.
struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Draw a digit with the mouse or the keys and see what the model reads (the default command).",
        discussion: "Needs a terminal of at least 80×24. Press ? in the app for the keys.")

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        // Load before touching the terminal: a bad model gives a one-line error and a clean terminal.
        // `--scaling` applies to the model named; the shipped models Tab switches to record their own.
        let url = try modelOptions.resolvedURL()
        let model = try modelOptions.load(url)
        let session = DrawSession(model: model, modelURL: url, shippedModels: ModelLocator.shippedModels(),
                                  loadModel: { try Self.loadModel($0) })
        do {
            try session.run()
        } catch let error as AppError {
            throw CLIError(error.description)
        }
    }

    /// The one place the app loads model files.
    static func loadModel(_ url: URL) throws -> any ImageClassifier {
        do {
            return try ModelLoader.load(contentsOf: url)
        } catch {
            throw CLIError("\(error)")  // the error names the file
        }
    }
}
