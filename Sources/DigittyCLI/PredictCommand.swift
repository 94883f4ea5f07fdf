import ArgumentParser

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Predict the digit in image files.")
    func run() async throws {}
}
