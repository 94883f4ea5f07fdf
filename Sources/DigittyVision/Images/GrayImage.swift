/// A grey image with pixel values in 0…1, row-major. By convention in digitty 1 is ink and 0 is background
/// (white ink on black, as MNIST); decoders return images as stored, and preprocessing decides polarity.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    /// An image of the given size; `pixels.count` must be `width × height`.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height,
                     "\(width)×\(height) image needs \(width * height) pixels, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A blank (all 0) image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [Float](repeating: 0, count: width * height))
    }

    /// An image from 8-bit grey levels (0 → 0, 255 → 1).
    public init(width: Int, height: Int, bytes: [UInt8]) {
        self.init(width: width, height: height, pixels: bytes.map { Float($0) / 255 })
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// The pixels as 8-bit grey levels, rounded and clamped.
    public var bytes: [UInt8] {
        pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
    }
}
