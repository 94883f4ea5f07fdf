/// Why a model could not be built or run.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A layer's input does not have the shape the layer needs.
    case shapeMismatch(String)
    /// A layer parameter is out of its valid range (e.g. a zero kernel size).
    case invalidParameter(String)
    /// A weight tensor the architecture needs is absent.
    case missingWeight(String)
    /// An input tensor does not match the model's input shape.
    case badInput(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): "shape mismatch: \(message)"
        case .invalidParameter(let message): "invalid layer parameter: \(message)"
        case .missingWeight(let name): "missing weight tensor '\(name)'"
        case .badInput(let message): "bad input: \(message)"
        }
    }
}
