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
    @Option(parsing: .upToNextOption,
            help: "Input scaling the model expects: unit (pixels/255, default), byte (0…255) or standardize MEAN STD.")
    var scaling: [String] = []

    func run() async throws {
        let scaling = try ScalingOption.parse(scaling)
        let url = URL(fileURLWithPath: source)
        let model: ONNXModel
        do {
            model = try ONNXModel(contentsOf: url, scaling: scaling)
        } catch {
            throw CLIError("'\(source)': \(error)")
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
              + "\(native.parameterCount) parameters, input \(native.input.sampleShape) scaled \(ScalingOption.describe(native.input.scaling))")
    }
}

/// `--scaling unit | byte | standardize MEAN STD`.
enum ScalingOption {
    static func parse(_ words: [String]) throws -> InputSpec.Scaling? {
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
