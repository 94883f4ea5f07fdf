import DigittyEngine
/// Grey images with their class labels, held as bytes (0 background … 255 ink), one image after another:
/// the form MNIST comes in, and what training reads batches from.
public struct LabelledImages: Sendable {
    public let pixels: [UInt8]
    public let labels: [UInt8]
    public let height: Int
    public let width: Int

    /// Fails when the pixel count does not match `labels.count` images of `height × width`.
    public init(pixels: [UInt8], labels: [UInt8], height: Int = 28, width: Int = 28) throws(ModelError) {
        guard height > 0, width > 0, pixels.count == labels.count * height * width else {
            throw .badInput("\(pixels.count) pixels do not make \(labels.count) images of \(height)×\(width)")
        }
        self.pixels = pixels
        self.labels = labels
        self.height = height
        self.width = width
    }

    public var count: Int { labels.count }
    public var imageSize: Int { height * width }

    /// The images in `range`, in order.
    public func subset(_ range: Range<Int>) -> LabelledImages {
        let range = range.clamped(to: 0..<count)
        // Sizes are consistent by construction, so this cannot fail.
        return try! LabelledImages(pixels: Array(pixels[range.lowerBound * imageSize..<range.upperBound * imageSize]),
                                   labels: Array(labels[range]), height: height, width: width)
    }

    /// Writes image `index` as floats in 0…1 (pixel / 255).
    func writeUnit(_ index: Int, into target: UnsafeMutablePointer<Float>) {
        pixels.withUnsafeBufferPointer { pixels in
            let source = pixels.baseAddress! + index * imageSize
            for offset in 0..<imageSize { target[offset] = Float(source[offset]) * (1 / 255) }
        }
    }
}
