import DigittyEngine
import DigittyVision

/// Reads a drawing with a model: MNIST-style preprocessing, then the classifier.
public struct Predictor: Sendable {
    public let model: any ImageClassifier

    public init(model: any ImageClassifier) { self.model = model }

    /// The prediction for the canvas, or nil when it has no ink.
    public func predict(_ canvas: Canvas) throws -> Prediction? {
        guard !canvas.isEmpty else { return nil }
        let image = model.input.mnistPreprocessing ? MNISTPreprocessing.prepare(canvas.image) : canvas.image
        guard let image else { return nil }
        guard model.input.height == image.height, model.input.width == image.width else {
            throw AppError("model \(model.name) expects \(model.input.width)×\(model.input.height) images, not 28×28")
        }
        do {
            let probabilities = try model.probabilities(forPixels: image.pixels)
            guard probabilities.count == 10 else {
                throw AppError("model \(model.name) gives \(probabilities.count) classes, not 10 digits")
            }
            return Prediction(probabilities: probabilities, input: image, modelName: model.name)
        } catch let error as ModelError {
            throw AppError("model \(model.name): \(error)")
        }
    }
}
