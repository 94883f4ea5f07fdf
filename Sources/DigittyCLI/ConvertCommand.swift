import ArgumentParser
import DigittyEngine
import DigittyONNX
import Foundation

/// `digitty convert m.onnx out.safetensors`: a Sequential-shaped ONNX graph as a native model file, keeping
/// its input scaling and layout and noting where it came from.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Sequential-shaped ONNX model to digitty's native .safetensors format.",
        discussion: """
            The graph must be a chain of Conv, MaxPool/AveragePool, GlobalAveragePool, Relu/LeakyRelu, \
            MatMul+Add or Gemm, BatchNormalization and Softmax, with Reshape/Flatten/Transpose between them. \
            The converted model is checked against the ONNX graph before it is written.
            """)

    @Argument(help: "The ONNX model.") var source: String
    @Argument(help: "The native model file to write (.safetensors).") var destination: String
    @OptionGroup var scalingOptions: ScalingOptions

    func run() async throws {
        let url = URL(fileURLWithPath: source)
        let model: ONNXModel
        do {
            model = try ModelLoader.loadONNX(contentsOf: url, scaling: try scalingOptions.parsed())
        } catch let error as ModelLoadError {
            throw CLIError(error.description)
        }
        var native: SequentialModel
        do {
            native = try ONNXConverter.convert(model)
        } catch {
            throw CLIError("'\(source)' cannot be converted: \(error)")
        }
        var provenance = native.provenance
        provenance.notes = [model.provenance.notes, "converted from \(url.lastPathComponent) by digitty convert"]
            .compactMap { $0 }.joined(separator: "; ")
        native = try SequentialModel(name: native.name, input: native.input, layers: native.layers, provenance: provenance,
                                     calibration: native.calibration)
        do {
            try ModelFile.save(native, to: URL(fileURLWithPath: destination))
        } catch {
            throw CLIError(error.description)
        }
        print("wrote \(destination): \(native.specs.map(\.summary).joined(separator: " → ")), "
              + "\(native.parameterCount) parameters, input \(native.input.sampleShape) scaled \(ScalingOptions.describe(native.input.scaling))")
    }
}
