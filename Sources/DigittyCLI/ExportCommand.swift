import ArgumentParser
import DigittyEngine
import DigittyONNX
import Foundation

/// `digitty export --onnx out.onnx [--model M]`: a native model as ONNX (opset 13), runnable in ONNX Runtime,
/// Netron or a browser.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a model as ONNX (opset 13): input 'input' [N,28,28,1] float NHWC, output 'probs' [N,10].",
        discussion: "The input is scaled as the model's own input scaling says (recorded in the file's metadata_props).")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "The ONNX file to write.") var onnx: String

    func run() async throws {
        let url = try modelOptions.resolvedURL()
        let loaded = try modelOptions.load(url)
        guard let model = loaded as? SequentialModel else {
            throw CLIError("'\(url.path)' is an ONNX graph that does not convert to a sequential model; it is already ONNX")
        }
        do {
            try ONNXExporter.write(model, to: URL(fileURLWithPath: onnx))
        } catch {
            throw CLIError("cannot export to '\(onnx)': \(error)")
        }
        print("wrote \(onnx): ONNX opset \(ONNXExporter.opset), \(model.specs.map(\.summary).joined(separator: " → ")), "
              + "input scaled \(ScalingOptions.describe(model.input.scaling))")
    }
}
