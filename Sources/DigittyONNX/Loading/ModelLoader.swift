import DigittyEngine
import Foundation

/// Why a model file could not be loaded.
public enum ModelLoadError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// Neither the extension nor the first bytes say safetensors or ONNX.
    case unknownFormat(path: String)
    /// A native model file was rejected.
    case native(path: String, ModelFileError)
    /// An ONNX file was rejected.
    case onnx(path: String, ONNXError)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read '\(path)': \(reason)"
        case let .unknownFormat(path): "'\(path)' is neither a digitty .safetensors model nor an .onnx model"
        case let .native(path, error): "'\(path)': \(error)"
        case let .onnx(path, error): "'\(path)': \(error)"
        }
    }
}

/// The one entry point for loading a classifier from a file: native `.safetensors` or `.onnx`.
public enum ModelLoader {
    /// The formats digitty reads.
    public enum Format: String, Sendable { case safetensors, onnx }

    /// Loads a model. ONNX graphs that convert exactly to a native sequential model are returned in that
    /// form (it runs on the engine's fused kernels); others run on the general graph executor.
    ///
    /// - Parameter scaling: overrides the input scaling the file records (ONNX files default to unit, pixels / 255).
    public static func load(contentsOf url: URL, scaling: InputSpec.Scaling? = nil) throws(ModelLoadError) -> any ImageClassifier {
        let bytes = try readFile(url)
        let name = url.deletingPathExtension().lastPathComponent
        switch format(of: url, bytes: bytes) {
        case .safetensors?:
            do {
                let model = try ModelFile.decode(bytes, name: name)
                guard let scaling, scaling != model.input.scaling else { return model }
                var input = model.input
                input.scaling = scaling
                return try SequentialModel(name: model.name, input: input, layers: model.layers, provenance: model.provenance,
                                           calibration: model.calibration)
            } catch let error as ModelFileError {
                throw .native(path: url.path, error)
            } catch {
                throw .native(path: url.path, .invalidModel("\(error)"))
            }
        case .onnx?:
            let model = try onnxModel(bytes, url: url, scaling: scaling)
            return (try? ONNXConverter.convert(model)) ?? model
        case nil:
            throw .unknownFormat(path: url.path)
        }
    }

    /// Loads an ONNX file as a graph classifier, without converting it.
    public static func loadONNX(contentsOf url: URL, scaling: InputSpec.Scaling? = nil) throws(ModelLoadError) -> ONNXModel {
        try onnxModel(try readFile(url), url: url, scaling: scaling)
    }

    private static func onnxModel(_ bytes: [UInt8], url: URL, scaling: InputSpec.Scaling?) throws(ModelLoadError) -> ONNXModel {
        do {
            return try ONNXModel(try ONNXFile.decode(bytes), name: url.deletingPathExtension().lastPathComponent, scaling: scaling)
        } catch {
            throw .onnx(path: url.path, error)
        }
    }

    /// The file's bytes; the error says in a few words why they cannot be had.
    static func readFile(_ url: URL) throws(ModelLoadError) -> [UInt8] {
        do {
            return try FileBytes.read(url, maximumSize: ONNXFile.maximumFileSize,
                                      tooLarge: "larger than the \(ONNXFile.maximumFileSize >> 30) GiB a model may have")
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
    }

    /// The format by extension, else by the first bytes (safetensors: a JSON header after 8 length bytes;
    /// ONNX: protobuf field 1, `ir_version`).
    public static func format(of url: URL, bytes: [UInt8]) -> Format? {
        switch url.pathExtension.lowercased() {
        case "safetensors": return .safetensors
        case "onnx": return .onnx
        default: break
        }
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{") { return .safetensors }
        if bytes.first == 0x08 { return .onnx }
        return nil
    }
}
