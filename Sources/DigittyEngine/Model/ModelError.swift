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
    /// The model computed NaN or an infinity for an image: its weights or its input scaling are broken.
    case nonFiniteOutput(image: Int)

    public var description: String { text.onOneLine }

    private var text: String {
        switch self {
        case .shapeMismatch(let message): "shape mismatch: \(message)"
        case .invalidParameter(let message): "invalid layer parameter: \(message)"
        case .missingWeight(let name): "missing weight tensor '\(name)'"
        case .badInput(let message): "bad input: \(message)"
        case .nonFiniteOutput(let image):
            "the model's output for image \(image) is not a number (NaN or infinite); its weights or input scaling are broken"
        }
    }

    /// Throws `nonFiniteOutput` for the first image (row of `output`, `[batch, classes]`) holding NaN or an
    /// infinity, so that a broken model is an error instead of a label read from garbage.
    public static func checkFinite(_ output: Tensor) throws(ModelError) {
        guard let index = output.scalars.firstIndex(where: { !$0.isFinite }) else { return }
        throw .nonFiniteOutput(image: index / max(1, output.shape.last ?? 1))
    }
}
