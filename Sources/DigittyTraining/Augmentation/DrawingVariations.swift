import DigittyVision
import DigittyEngine

/// Random variations of a taught drawing, as the model will see them, for fine-tuning on a handful of
/// drawings without learning them by heart: the stroke turned a little (about its centre) and made thicker or
/// thinner on the canvas, then preprocessed as the app does, then moved by up to a pixel or two. Shifting or
/// scaling the canvas would be undone by the preprocessing (it crops, scales and centres the ink), so those
/// happen after it, where they change what the model sees.
public struct DrawingVariations: Sendable, Equatable {
    /// Rotation drawn from ±`rotation` degrees.
    public var rotation: Float
    /// Stroke thickness change drawn from ±`thickness`: positive spreads ink into neighbouring cells (that share
    /// of their strongest neighbour's ink), negative pulls each cell towards its weakest neighbour.
    public var thickness: Float
    /// Shift of the prepared image drawn from ±`shift` pixels, across and down.
    public var shift: Float

    public init(rotation: Float = 12, thickness: Float = 0.7, shift: Float = 1.5) {
        self.rotation = rotation
        self.thickness = thickness
        self.shift = shift
    }

    /// `count` images of the drawing as the model sees them (28×28 bytes each): the drawing itself first, then
    /// random variations; the same seed gives the same images. Empty when the drawing has no ink.
    public func images(of drawing: GrayImage, count: Int, seed: UInt64) -> [[UInt8]] {
        guard count > 0, let plain = MNISTPreprocessing.prepare(drawing) else { return [] }
        var random = SeededRandom(seed: seed)
        var images = [plain.bytes]
        while images.count < count {
            images.append((vary(drawing, using: &random) ?? plain).bytes)
        }
        return images
    }

    /// One random variation, prepared; nil if the ink vanished.
    func vary(_ drawing: GrayImage, using random: inout some RandomNumberGenerator) -> GrayImage? {
        let side = drawing.width
        guard drawing.height == side else { return MNISTPreprocessing.prepare(drawing) }
        let turn = Augmenter.Transform(rotation: Augmenter.uniform(-rotation, rotation, &random))
        var turned = GrayImage(width: side, height: side)
        let canvas = Augmenter(settings: .none, width: side, height: side)
        drawing.pixels.withUnsafeBufferPointer { source in
            turned.pixels.withUnsafeMutableBufferPointer { canvas.apply(turn, to: source, into: $0) }
        }
        let thickened = Self.thicken(turned, by: Augmenter.uniform(-thickness, thickness, &random))
        guard let prepared = MNISTPreprocessing.prepare(thickened) else { return nil }
        let move = Augmenter.Transform(shiftX: Augmenter.uniform(-shift, shift, &random),
                                       shiftY: Augmenter.uniform(-shift, shift, &random))
        var moved = GrayImage(width: prepared.width, height: prepared.height)
        let frame = Augmenter(settings: .none, width: prepared.width, height: prepared.height)
        prepared.pixels.withUnsafeBufferPointer { source in
            moved.pixels.withUnsafeMutableBufferPointer { frame.apply(move, to: source, into: $0) }
        }
        return moved
    }

    /// Soft grey-level dilation (`amount` > 0) or erosion (< 0) over the four neighbours.
    static func thicken(_ image: GrayImage, by amount: Float) -> GrayImage {
        guard amount != 0 else { return image }
        var output = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                let neighbours = [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                    .map { $0.0 >= 0 && $0.1 >= 0 && $0.0 < image.width && $0.1 < image.height ? image[$0.0, $0.1] : 0 }
                let value = image[x, y]
                output[x, y] = amount > 0 ? max(value, amount * neighbours.max()!)
                    : (1 + amount) * value - amount * min(value, neighbours.min()!)
            }
        }
        return output
    }
}
