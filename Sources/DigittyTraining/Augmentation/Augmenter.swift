import DigittyEngine
import DigittyVision
import Foundation

/// Random rotations, shifts, zoom and elastic distortion of training images, as Keras' ImageDataGenerator does
/// them (bilinear sampling, points outside the image take the nearest edge pixel), and a share of them redrawn
/// with the app's pen (`PenRedrawing`). Deterministic: the same generator state gives the same image. Immutable
/// and safe to share between threads; each thread brings its own generator. It is the `ImageAugmentation` that
/// `digitty train` gives the engine's trainer.
public struct Augmenter: ImageAugmentation {
    /// One image's geometric distortion, about the image centre.
    public struct Transform: Sendable, Equatable {
        /// Rotation in degrees; positive turns the content counter-clockwise as displayed.
        public var rotation: Float
        /// Shift in pixels; positive moves the content right / down.
        public var shiftX: Float
        public var shiftY: Float
        /// Scale factor; above 1 enlarges the content.
        public var scale: Float

        public init(rotation: Float = 0, shiftX: Float = 0, shiftY: Float = 0, scale: Float = 1) {
            self.rotation = rotation
            self.shiftX = shiftX
            self.shiftY = shiftY
            self.scale = scale
        }

        public static let identity = Transform()
    }

    public let settings: AugmentationSettings
    public let width: Int
    public let height: Int
    private let elasticKernel: [Float]

    public init(settings: AugmentationSettings, width: Int = 28, height: Int = 28) {
        precondition(width > 0 && height > 0, "images need pixels")
        self.settings = settings
        self.width = width
        self.height = height
        elasticKernel = settings.elasticAlpha > 0 ? Self.gaussianKernel(sigma: max(settings.elasticSigma, 0.1)) : []
    }

    /// A random transform within the settings' ranges.
    public func randomTransform(using random: inout some RandomNumberGenerator) -> Transform {
        let s = settings
        return Transform(rotation: Self.uniform(-s.rotation, s.rotation, &random),
                         shiftX: Self.uniform(-s.widthShift, s.widthShift, &random) * Float(width),
                         shiftY: Self.uniform(-s.heightShift, s.heightShift, &random) * Float(height),
                         scale: 1 + Self.uniform(-s.zoom, s.zoom, &random))
    }

    /// A uniform Float in [low, high) from the top 24 bits of one draw.
    static func uniform(_ low: Float, _ high: Float, _ random: inout some RandomNumberGenerator) -> Float {
        low + (high - low) * Float(random.next() >> 40) * (1 / Float(1 << 24))
    }

    /// Distorts image bytes into floats with the generator `SeededRandom(seed:)`: the trainer's entry point.
    /// Images of another size than the augmenter's are distorted with the same settings.
    public func augment(_ source: UnsafePointer<UInt8>, height: Int, width: Int,
                        into target: UnsafeMutablePointer<Float>, seed: UInt64) {
        guard height == self.height, width == self.width else {
            return Augmenter(settings: settings, width: width, height: height)
                .augment(source, height: height, width: width, into: target, seed: seed)
        }
        var random = SeededRandom(seed: seed)
        augment(UnsafeBufferPointer(start: source, count: width * height),
                into: UnsafeMutableBufferPointer(start: target, count: width * height), using: &random)
    }

    /// Distorts one image of bytes (0…255) into `output` as floats 0…1, with a random transform (and elastic
    /// field, if enabled). Both buffers hold `width × height` pixels.
    public func augment(_ source: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Float>,
                        using random: inout some RandomNumberGenerator) {
        precondition(source.count == width * height && output.count == width * height, "buffers must hold one image")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width * height) { floats in
            for i in 0 ..< width * height { floats[i] = Float(source[i]) * (1 / 255) }
            augment(UnsafeBufferPointer(floats), into: output, using: &random)
        }
    }

    /// Distorts one image of floats into `output`, with a random transform (and elastic field, if enabled).
    public func augment(_ source: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                        using random: inout some RandomNumberGenerator) {
        let transform = randomTransform(using: &random)
        if settings.elasticAlpha > 0 {
            let field = elasticField(using: &random)
            apply(transform, to: source, into: output, displacement: field)
        } else {
            apply(transform, to: source, into: output)
        }
        if settings.penRedraw > 0, width == PenRedrawing.canvasSide, height == PenRedrawing.canvasSide,
           Self.uniform(0, 1, &random) < settings.penRedraw {
            let distorted = GrayImage(width: width, height: height, pixels: Array(output))
            if let redrawn = PenRedrawing().redraw(distorted, using: &random) {
                _ = output.update(fromContentsOf: redrawn.pixels)
            }
        }
    }

    /// `image` distorted at random (a convenience over the buffer version).
    public func augment(_ image: GrayImage, using random: inout some RandomNumberGenerator) -> GrayImage {
        precondition(image.width == width && image.height == height, "the augmenter is for \(width)×\(height) images")
        var output = GrayImage(width: width, height: height)
        image.pixels.withUnsafeBufferPointer { source in
            output.pixels.withUnsafeMutableBufferPointer { augment(source, into: $0, using: &random) }
        }
        return output
    }

    /// Applies `transform` to `source`, writing `output`; `displacement` (x then y for every pixel, in pixels) is
    /// added to each sampling point for elastic distortion.
    public func apply(_ transform: Transform, to source: UnsafeBufferPointer<Float>,
                      into output: UnsafeMutableBufferPointer<Float>, displacement: [Float]? = nil) {
        precondition(source.count == width * height && output.count == width * height, "buffers must hold one image")
        precondition(displacement == nil || displacement!.count == 2 * width * height, "one displacement per pixel")
        // Output pixel p samples the source at C + R(−θ)·(p − C − shift)/scale: an affine map a·x + b·y + c.
        let radians = Double(transform.rotation) * .pi / 180
        let inverseScale = 1 / Double(transform.scale)
        let cosine = Self.snap(cos(radians) * inverseScale), sine = Self.snap(sin(radians) * inverseScale)
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let (px, py) = (cx + Double(transform.shiftX), cy + Double(transform.shiftY))
        // With y pointing down, a counter-clockwise turn on screen is x' = x·cos + y·sin, y' = −x·sin + y·cos;
        // sampling uses the inverse.
        let a = Float(cosine), b = Float(-sine), c = Float(cx - cosine * px + sine * py)
        let d = Float(sine), e = Float(cosine), f = Float(cy - sine * px - cosine * py)
        let maxX = Float(width - 1), maxY = Float(height - 1)

        for y in 0 ..< height {
            var sx = b * Float(y) + c
            var sy = e * Float(y) + f
            for x in 0 ..< width {
                var u = sx, v = sy
                if let displacement {
                    u += displacement[2 * (y * width + x)]
                    v += displacement[2 * (y * width + x) + 1]
                }
                // Fill "nearest": clamp the sampling point to the image.
                u = min(max(u, 0), maxX)
                v = min(max(v, 0), maxY)
                let x0 = Int(u), y0 = Int(v)
                let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
                let fx = u - Float(x0), fy = v - Float(y0)
                let top = source[y0 * width + x0] + (source[y0 * width + x1] - source[y0 * width + x0]) * fx
                let bottom = source[y1 * width + x0] + (source[y1 * width + x1] - source[y1 * width + x0]) * fx
                output[y * width + x] = top + (bottom - top) * fy
                sx += a
                sy += d
            }
        }
    }

    /// Rounds matrix entries within rounding error of an integer (so 90° turns move pixels exactly).
    private static func snap(_ value: Double) -> Double {
        abs(value - value.rounded()) < 1e-9 ? value.rounded() : value
    }

    /// A smooth random displacement field: uniform noise in ±1, Gaussian-blurred (zero beyond the edges, as
    /// the usual `gaussian_filter(mode="constant")` implementation), scaled by `elasticAlpha`.
    func elasticField(using random: inout some RandomNumberGenerator) -> [Float] {
        let count = width * height
        var field = [Float](repeating: 0, count: 2 * count)
        for i in 0 ..< 2 * count { field[i] = Self.uniform(-1, 1, &random) }
        var blurred = [Float](repeating: 0, count: 2 * count)
        let radius = elasticKernel.count / 2
        // Blur each component along rows into `blurred`, then along columns back into `field`.
        for component in 0 ..< 2 {
            for y in 0 ..< height {
                for x in 0 ..< width {
                    var sum: Float = 0
                    for k in max(-radius, -x) ... min(radius, width - 1 - x) {
                        sum += elasticKernel[k + radius] * field[2 * (y * width + x + k) + component]
                    }
                    blurred[2 * (y * width + x) + component] = sum
                }
            }
            for y in 0 ..< height {
                for x in 0 ..< width {
                    var sum: Float = 0
                    for k in max(-radius, -y) ... min(radius, height - 1 - y) {
                        sum += elasticKernel[k + radius] * blurred[2 * ((y + k) * width + x) + component]
                    }
                    field[2 * (y * width + x) + component] = sum * settings.elasticAlpha
                }
            }
        }
        return field
    }

    /// A normalised 1-D Gaussian kernel reaching 3σ each side.
    static func gaussianKernel(sigma: Float) -> [Float] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let weights = (-radius ... radius).map { exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
