/// Why a model file could not be read or written. Each case says what was wrong and where.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// The file ends before the data it declares.
    case truncated(String)
    /// The JSON header is malformed.
    case badHeader(String)
    /// A tensor's byte range is outside the data section, overlaps another, or does not match its shape.
    case badOffsets(String)
    /// A tensor is stored in an element type the engine does not read.
    case unsupportedDType(tensor: String, dtype: String)
    /// The file is safetensors but not a digitty model (no architecture in its metadata).
    case notADigittyModel(String)
    /// The file was written by a newer digitty.
    case unsupportedVersion(found: Int, supported: Int)
    /// The metadata's architecture, input or provenance is malformed.
    case badMetadata(String)
    /// The architecture and the weights do not fit together.
    case invalidModel(String)
    /// A weight is NaN or infinite (its first such element and value).
    case nonFiniteWeight(tensor: String, index: Int, value: Float)
    /// The file's extension names no format digitty reads.
    case unknownFormat(String)

    public var description: String { text.onOneLine }

    private var text: String {
        switch self {
        case let .unreadable(path, reason): "cannot read '\(path)': \(reason)"
        case let .unwritable(path, reason): "cannot write '\(path)': \(reason)"
        case let .truncated(message): "truncated model file: \(message)"
        case let .badHeader(message): "bad safetensors header: \(message)"
        case let .badOffsets(message): "bad tensor data offsets: \(message)"
        case let .unsupportedDType(tensor, dtype): "tensor '\(tensor)' has unsupported dtype '\(dtype)' (supported: F32, F64, F16, BF16)"
        case let .notADigittyModel(message): "not a digitty model: \(message)"
        case let .unsupportedVersion(found, supported):
            "model file format version \(found) is newer than this digitty supports (\(supported)); upgrade digitty"
        case let .badMetadata(message): "bad model metadata: \(message)"
        case let .invalidModel(message): "invalid model: \(message)"
        case let .nonFiniteWeight(tensor, index, value):
            "tensor '\(tensor)' holds \(value) at element \(index); weights must be finite numbers"
        case let .unknownFormat(message): "unknown model format: \(message)"
        }
    }
}
