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

    /// The side of the square erased around each inked pixel for the saliency map.
    static let patchSide = 3

    /// How much each pixel's ink pushes the log-probability of `digit`, by occlusion: for every inked pixel,
    /// the `patchSide`² square centred on it is erased and the drop in log p(digit) measured (one batch, one
    /// image per inked pixel); each inked pixel gets the mean drop of the squares that cover it. Erasing one
    /// pixel alone barely moves a CNN, whose 3×3 filters see the same stroke through its neighbours, so single
    /// pixels rank the strokes poorly; squares the width of a stroke do not have that blind spot and cost the
    /// same number of images. Faithful by construction: the map is measured by erasing, the thing it predicts.
    /// Pixels without ink get 0.
    public func occlusionSaliency(of prepared: GrayImage, towards digit: Int) throws(ReaderError) -> [Float] {
        let (inked, logProbabilities) = try occlusions(of: prepared)
        let drops = logProbabilities.dropFirst().map { logProbabilities[0][digit] - $0[digit] }
        return spread(drops, over: inked, in: prepared)
    }

    /// The input pixels to erase, fewest first, that make the model read `target` instead of what it reads
    /// now; nil when erasing ink cannot get there (the target needs ink added) or `target` is read already.
    /// Pixels are ranked by how much erasing their squares lowers the current label against the target; one
    /// more batch then erases ever longer prefixes of that ranking and the shortest that works is returned.
    public func erasure(of prepared: GrayImage, toRead target: Int) throws(ReaderError) -> [Int]? {
        let (inked, logProbabilities) = try occlusions(of: prepared)
        let current = logProbabilities[0]
        guard let label = current.indices.max(by: { current[$0] < current[$1] }), label != target else { return nil }
        let margins = logProbabilities.dropFirst().map { (current[label] - current[target]) - ($0[label] - $0[target]) }
        let effect = spread(margins, over: inked, in: prepared)
        let ranked = inked.sorted { effect[$0] > effect[$1] }.filter { effect[$0] > 0 }
        guard !ranked.isEmpty else { return nil }
        // Prefix lengths 1, 2, … up to 16, then growing by an eighth: at most ~40 images for 300 inked pixels.
        var lengths: [Int] = []
        var length = 1
        while length < ranked.count { lengths.append(length); length = max(length + 1, length + length / 8) }
        lengths.append(ranked.count)
        let images = lengths.map { count in
            var erased = prepared.pixels
            for pixel in ranked.prefix(count) { erased[pixel] = 0 }
            return erased
        }
        let outputs = try classify(images)
        for (index, output) in outputs.enumerated() {
            let digits = split(output).digits
            if digits.indices.max(by: { digits[$0] < digits[$1] }) == target { return Array(ranked.prefix(lengths[index])) }
        }
        return nil
    }

    /// The inked pixels, and the log-probabilities of the ten digits for the image (first row) and for the
    /// image with each inked pixel's square erased (one row per inked pixel, in order).
    private func occlusions(of prepared: GrayImage) throws(ReaderError) -> (inked: [Int], logProbabilities: [[Float]]) {
        let width = prepared.width, height = prepared.height, radius = Self.patchSide / 2
        let inked = prepared.pixels.indices.filter { prepared.pixels[$0] > 0 }
        var images = [prepared.pixels]
        images.reserveCapacity(inked.count + 1)
        for index in inked {
            var occluded = prepared.pixels
            let x = index % width, y = index / width
            for row in max(0, y - radius)...min(height - 1, y + radius) {
                for column in max(0, x - radius)...min(width - 1, x + radius) { occluded[row * width + column] = 0 }
            }
            images.append(occluded)
        }
        let logProbabilities = try classify(images).map { outputs in split(outputs).digits.map { log(max($0, 1e-30)) } }
        return (inked, logProbabilities)
    }

    /// Each inked pixel's mean of `values` (one per inked pixel's square, in `inked` order) over the squares
    /// covering it; 0 elsewhere.
    private func spread(_ values: [Float], over inked: [Int], in prepared: GrayImage) -> [Float] {
        let width = prepared.width, height = prepared.height, radius = Self.patchSide / 2
        var sums = [Float](repeating: 0, count: prepared.pixels.count)
        var counts = [Float](repeating: 0, count: prepared.pixels.count)
        for (offset, index) in inked.enumerated() {
            let x = index % width, y = index / width
            for row in max(0, y - radius)...min(height - 1, y + radius) {
                for column in max(0, x - radius)...min(width - 1, x + radius) {
                    sums[row * width + column] += values[offset]
                    counts[row * width + column] += 1
                }
            }
        }
        var map = [Float](repeating: 0, count: prepared.pixels.count)
        for index in inked { map[index] = sums[index] / counts[index] }
        return map
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
