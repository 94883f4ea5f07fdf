import DigittyEngine
import Foundation

/// The one place where an image becomes a verdict: preprocessing as the model's metadata says, size checks,
/// the model, calibration, the verdict and, when asked, the saliency map. The CLI, the terminal app and the
/// server all read through it, so the same picture gets the same answer everywhere, bit for bit.
///
/// Immutable and safe to share across threads, like the model it wraps.
public struct DigitReader: Sendable {
    public let model: any ImageClassifier
    /// Whether images go through MNIST-style preprocessing (crop, scale to 20 px, centre of mass).
    public let preprocesses: Bool

    /// A reader for `model`. `preprocessing` overrides what the model records (`false` for images that are
    /// MNIST-style already, such as IDX files or `predict --raw`).
    public init(model: any ImageClassifier, preprocessing: Bool? = nil) {
        self.model = model
        preprocesses = preprocessing ?? model.input.mnistPreprocessing
    }

    /// Reads one image of any size (preprocessed) or of the model's size (not preprocessed). With `explain`,
    /// the reading carries a saliency map for its label.
    public func read(_ image: GrayImage, explain: Bool = false) throws(ReaderError) -> Reading {
        guard let prepared = try prepare(image) else { return .empty(model: model.name) }
        let outputs = try classify([prepared.pixels])[0]
        let (digits, notADigit) = split(outputs)
        let verdict = Verdict.of(digits: digits, notADigit: notADigit, calibration: model.calibration)
        var saliency: [Float]?
        if explain, let label = digits.indices.max(by: { digits[$0] < digits[$1] || (digits[$0] == digits[$1] && $0 > $1) }) {
            saliency = try occlusionSaliency(of: prepared, towards: label)
        }
        return Reading(model: model.name, verdict: verdict, probabilities: digits, notADigitProbability: notADigit,
                       input: prepared, saliency: saliency)
    }

    /// The image the model is given, or nil when there is no ink.
    public func prepare(_ image: GrayImage) throws(ReaderError) -> GrayImage? {
        let prepared = preprocesses ? MNISTPreprocessing.prepare(image) : image
        guard let prepared, prepared.pixels.contains(where: { $0 > 0 }) else { return nil }
        guard prepared.width == model.input.width, prepared.height == model.input.height else {
            throw .wrongSize(model: model.name, expected: (model.input.width, model.input.height),
                             got: (prepared.width, prepared.height))
        }
        return prepared
    }

    /// How much each pixel's ink pushes the log-probability of `digit`: for every inked pixel, the drop in
    /// log p(digit) when that pixel alone is erased (occlusion, one batch). Faithful by construction: erasing
    /// the most positive pixels lowers p(digit) most. Pixels without ink get 0.
    public func occlusionSaliency(of prepared: GrayImage, towards digit: Int) throws(ReaderError) -> [Float] {
        let inked = prepared.pixels.indices.filter { prepared.pixels[$0] > 0 }
        var images = [prepared.pixels]
        for index in inked {
            var occluded = prepared.pixels
            occluded[index] = 0
            images.append(occluded)
        }
        let logProbabilities = try classify(images).map { outputs in
            let digits = split(outputs).digits
            return log(max(digits[digit], 1e-30))
        }
        var saliency = [Float](repeating: 0, count: prepared.pixels.count)
        for (offset, index) in inked.enumerated() {
            saliency[index] = logProbabilities[0] - logProbabilities[offset + 1]
        }
        return saliency
    }

    /// Calibrated outputs for images of the model's size, one row each; checks the class count and that
    /// every value is a probability.
    private func classify(_ images: [[Float]]) throws(ReaderError) -> [[Float]] {
        let width = model.input.width, height = model.input.height
        let batch = Tensor(shape: [images.count, height, width, 1], scalars: images.flatMap { $0 })
        let output: Tensor
        do {
            output = try model.probabilities(for: batch)
        } catch {
            throw .modelFailed(model: model.name, reason: error.description)
        }
        let classes = output.shape.last ?? 0
        guard output.rank == 2, output.shape[0] == images.count, classes == 10 || classes == 11 else {
            throw .notADigitModel(model: model.name, classes: classes)
        }
        guard output.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .modelFailed(model: model.name, reason: "its outputs are not probabilities (NaN, infinite or negative)")
        }
        return (0..<images.count).map { row in
            var values = Array(output.scalars[row * classes..<(row + 1) * classes])
            model.calibration.apply(toProbabilities: &values)
            return values
        }
    }

    /// Ten digit probabilities renormalised to sum to 1, and the "not a digit" probability when there is one.
    private func split(_ outputs: [Float]) -> (digits: [Float], notADigit: Float?) {
        guard outputs.count == 11 else { return (outputs, nil) }
        let digits = Array(outputs[0..<10])
        let sum = digits.reduce(0, +)
        return (sum > 0 ? digits.map { $0 / sum } : [Float](repeating: 0.1, count: 10), outputs[10])
    }
}
