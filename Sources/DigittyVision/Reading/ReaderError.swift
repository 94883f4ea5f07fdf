import DigittyEngine

/// Why an image could not be read with a model, in one line.
public enum ReaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The image, as prepared, is not the size the model takes.
    case wrongSize(model: String, expected: (width: Int, height: Int), got: (width: Int, height: Int))
    /// The model does not answer ten digits (or ten digits and "not a digit").
    case notADigitModel(model: String, classes: Int)
    /// The model failed or gave values that are not probabilities (NaN, infinity).
    case modelFailed(model: String, reason: String)

    public var description: String {
        switch self {
        case let .wrongSize(model, expected, got):
            "model '\(model)' takes \(expected.width)×\(expected.height) images, this one is \(got.width)×\(got.height)"
        case let .notADigitModel(model, classes):
            "model '\(model)' gives \(classes) outputs, not 10 digits (or 10 and 'not a digit')"
        case let .modelFailed(model, reason):
            "model '\(model)' failed: \(reason)"
        }
    }

    public static func == (lhs: ReaderError, rhs: ReaderError) -> Bool { lhs.description == rhs.description }
}
