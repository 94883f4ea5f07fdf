import DigittyEngine

/// Why an ONNX model could not be read, checked or run. Each case says what was wrong and where.
public enum ONNXError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a valid serialized `ModelProto`.
    case malformed(String)
    /// The model's IR version or opset is outside what digitty runs (IR ≥ 3, ai.onnx opsets 7…25).
    case unsupportedVersion(String)
    /// The graph's structure is invalid: dangling or duplicate names, cycles, missing initializers.
    case invalidGraph(String)
    /// A node uses an operator digitty does not implement.
    case unsupportedOperator(node: String, op: String, reason: String)
    /// A node has an attribute that is unknown, of the wrong type or out of range.
    case badAttribute(node: String, op: String, attribute: String, reason: String)
    /// A node's inputs do not fit together (shapes that do not broadcast, wrong ranks, wrong types).
    case badOperand(node: String, op: String, reason: String)
    /// A tensor uses an element type digitty does not compute with.
    case unsupportedType(tensor: String, type: String)
    /// A tensor's data does not match its declared shape or type.
    case badTensor(name: String, reason: String)
    /// A shape would need more memory than allowed.
    case tooLarge(String)
    /// The caller's inputs do not match the graph.
    case badInput(String)

    public var description: String { text.onOneLine }

    private var text: String {
        switch self {
        case let .malformed(message): "malformed ONNX model: \(message)"
        case let .unsupportedVersion(message): "unsupported ONNX version: \(message)"
        case let .invalidGraph(message): "invalid ONNX graph: \(message)"
        case let .unsupportedOperator(node, op, reason): "node '\(node)' (\(op)): unsupported operator: \(reason)"
        case let .badAttribute(node, op, attribute, reason): "node '\(node)' (\(op)): attribute '\(attribute)': \(reason)"
        case let .badOperand(node, op, reason): "node '\(node)' (\(op)): \(reason)"
        case let .unsupportedType(tensor, type): "tensor '\(tensor)' has element type \(type), which digitty does not compute with (supported: FLOAT, INT8…INT64, UINT8…UINT64, BOOL)"
        case let .badTensor(name, reason): "tensor '\(name)': \(reason)"
        case let .tooLarge(message): "too large: \(message)"
        case let .badInput(message): "bad input: \(message)"
        }
    }
}
