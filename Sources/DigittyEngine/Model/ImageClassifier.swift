/// Anything that maps 28×28 grey images to class probabilities: a native sequential model, an imported
/// ONNX graph. Implementations are immutable and safe to call from many threads at once.
public protocol ImageClassifier: Sendable {
    /// A short name for menus and logs (usually the file name without extension).
    var name: String { get }
    /// The expected input: size, scaling, layout.
    var input: InputSpec { get }
    /// What the model is and where it came from.
    var provenance: ModelProvenance { get }
    /// How raw outputs become calibrated probabilities and a verdict (identity when the file records none).
    var calibration: Calibration { get }
    /// Class probabilities for a batch of images.
    ///
    /// - Parameter images: `[batch, height, width, 1]` grey pixels in 0…1 (ink 1, background 0), with
    ///   `height × width` as in `input.height × input.width`. The classifier applies its own scaling and layout.
    /// - Returns: `[batch, classes]`, each row summing to 1.
    func probabilities(for images: Tensor) throws(ModelError) -> Tensor
}

extension ImageClassifier {
    /// Probabilities for one image of `input.height × input.width` pixels in 0…1, row-major.
    public func probabilities(forPixels pixels: [Float]) throws(ModelError) -> [Float] {
        guard pixels.count == input.height * input.width else {
            throw .badInput("expected \(input.height)×\(input.width) = \(input.height * input.width) pixels, got \(pixels.count)")
        }
        return try probabilities(for: Tensor(shape: [1, input.height, input.width, 1], scalars: pixels)).scalars
    }
}
