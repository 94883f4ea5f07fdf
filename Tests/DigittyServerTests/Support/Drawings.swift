import DigittyEngine
import DigittyVision
import Foundation

/// Digit-like images drawn in code, and the prediction the library makes for them directly.
enum Drawings {
    /// A thick stroke from `(x0, y0)` to `(x1, y1)` on a `size`×`size` black image (white ink).
    static func stroke(size: Int = 28, from start: (Double, Double), to end: (Double, Double), radius: Double = 1.6) -> GrayImage {
        var image = GrayImage(width: size, height: size)
        for y in 0..<size {
            for x in 0..<size {
                let (px, py) = (Double(x) + 0.5, Double(y) + 0.5)
                let (dx, dy) = (end.0 - start.0, end.1 - start.1)
                let t = max(0, min(1, ((px - start.0) * dx + (py - start.1) * dy) / max(dx * dx + dy * dy, 1e-9)))
                let distance = hypot(px - (start.0 + t * dx), py - (start.1 + t * dy))
                image[x, y] = Float(max(0, min(1, radius + 0.5 - distance)))
            }
        }
        return image
    }

    /// Something like a 7: a bar and a slanted stroke.
    static func seven(size: Int = 28) -> GrayImage {
        let scale = Double(size) / 28
        let bar = stroke(size: size, from: (7 * scale, 7 * scale), to: (21 * scale, 7 * scale), radius: 1.6 * scale)
        let leg = stroke(size: size, from: (21 * scale, 7 * scale), to: (12 * scale, 23 * scale), radius: 1.6 * scale)
        return GrayImage(width: size, height: size, pixels: zip(bar.pixels, leg.pixels).map { max($0, $1) })
    }

    /// The same image as dark ink on white paper.
    static func inverted(_ image: GrayImage) -> GrayImage {
        GrayImage(width: image.width, height: image.height, pixels: image.pixels.map { 1 - $0 })
    }

    /// What the library predicts for `image` without the server: preprocessing, then the model.
    static func direct(_ model: any ImageClassifier, _ image: GrayImage) throws -> (label: Int, probabilities: [Float], input: [UInt8])? {
        guard let prepared = MNISTPreprocessing.prepare(image) else { return nil }
        let probabilities = try model.probabilities(forPixels: prepared.pixels)
        let label = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        return (label, probabilities, prepared.bytes)
    }
}
