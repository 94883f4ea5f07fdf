import DigittyEngine
/// Random distortions of training images, reproducible from a seed per image. The trainer needs only this;
/// DigittyVision's `Augmenter` is the implementation `digitty train` uses.
public protocol ImageAugmentation: Sendable {
    /// The ranges the distortions are drawn from.
    var settings: AugmentationSettings { get }
    /// Writes a distorted copy of `source` (`height × width` bytes, 0…255) into `target` as floats in 0…1;
    /// the same seed gives the same image.
    func augment(_ source: UnsafePointer<UInt8>, height: Int, width: Int, into target: UnsafeMutablePointer<Float>,
                 seed: UInt64)
}
