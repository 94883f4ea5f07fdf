@testable import DigittyEngine
@testable import DigittyTraining

/// A small stand-in for DigittyVision's augmenter in the engine's own tests: moves the image by a whole number
/// of pixels in each direction (up to `settings.widthShift × width`), drawn from the seed, filling with zeros.
struct ShiftAugmentation: ImageAugmentation {
    let settings: AugmentationSettings

    init(shift: Float = 0.1) { settings = AugmentationSettings(widthShift: shift, heightShift: shift) }

    func augment(_ source: UnsafePointer<UInt8>, height: Int, width: Int, into target: UnsafeMutablePointer<Float>,
                 seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let reach = Int(settings.widthShift * Float(width))
        let dx = Int(random.next() % UInt64(2 * reach + 1)) - reach, dy = Int(random.next() % UInt64(2 * reach + 1)) - reach
        for y in 0..<height {
            for x in 0..<width {
                let (sx, sy) = (x - dx, y - dy)
                let inside = sx >= 0 && sx < width && sy >= 0 && sy < height
                target[y * width + x] = inside ? Float(source[sy * width + sx]) / 255 : 0
            }
        }
    }
}
