import Foundation

/// Random distortions of training images, reproducible from a seed per image.
public protocol ImageAugmentation: Sendable {
    /// A short description for provenance, e.g. `rotation ±6°, shift ±10%, fill nearest`.
    var summary: String { get }
    /// Writes a distorted copy of `source` (`height × width` bytes, 0…255) into `target` as floats in 0…1.
    func augment(_ source: UnsafePointer<UInt8>, height: Int, width: Int, into target: UnsafeMutablePointer<Float>,
                 seed: UInt64)
}

/// Keras ImageDataGenerator-style distortion: a random rotation in ±`rotation`°, shifts in ±`shift` of the
/// width and height, optionally a zoom in ±`scale` and a smooth elastic displacement of up to `elastic`
/// pixels (random offsets on a 4×4 grid, interpolated), sampled bilinearly with the nearest edge pixel
/// filling the outside (fill mode "nearest").
public struct RandomDistortion: ImageAugmentation, Codable, Equatable {
    public var rotation: Double
    public var shift: Double
    public var scale: Double
    public var elastic: Double

    public init(rotation: Double = 0, shift: Double = 0, scale: Double = 0, elastic: Double = 0) {
        self.rotation = rotation
        self.shift = shift
        self.scale = scale
        self.elastic = elastic
    }

    public var summary: String {
        var parts = ["rotation ±\(Self.format(rotation))°", "shift ±\(Self.format(shift * 100))%"]
        if scale > 0 { parts.append("zoom ±\(Self.format(scale * 100))%") }
        if elastic > 0 { parts.append("elastic ±\(Self.format(elastic)) px") }
        return parts.joined(separator: ", ") + ", bilinear, fill nearest"
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    public func augment(_ source: UnsafePointer<UInt8>, height: Int, width: Int,
                        into target: UnsafeMutablePointer<Float>, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        func uniform(_ range: Double) -> Double { (Double(random.nextUnit()) * 2 - 1) * range }
        let angle = uniform(rotation) * .pi / 180
        let shiftX = uniform(shift) * Double(width), shiftY = uniform(shift) * Double(height)
        let zoom = 1 + uniform(scale)
        var grid = [Double](repeating: 0, count: 32)
        if elastic > 0 { for index in grid.indices { grid[index] = uniform(elastic) } }
        // Output pixel p comes from input  centre + R(−angle)·(p − centre − shift) / zoom.
        let (cosine, sine) = (cos(angle) / zoom, sin(angle) / zoom)
        let centreX = Double(width - 1) / 2, centreY = Double(height - 1) / 2
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - centreX - shiftX, dy = Double(y) - centreY - shiftY
                var sourceX = centreX + cosine * dx + sine * dy
                var sourceY = centreY - sine * dx + cosine * dy
                if elastic > 0 {
                    let (ex, ey) = Self.interpolate(grid, x: Double(x) / Double(max(1, width - 1)),
                                                    y: Double(y) / Double(max(1, height - 1)))
                    sourceX += ex
                    sourceY += ey
                }
                target[y * width + x] = Self.sample(source, height: height, width: width, x: sourceX, y: sourceY)
            }
        }
    }

    /// The displacement at (`x`, `y`) in 0…1 from offsets on a 4×4 grid (x offsets first, then y).
    private static func interpolate(_ grid: [Double], x: Double, y: Double) -> (Double, Double) {
        let gx = x * 3, gy = y * 3
        let x0 = min(2, Int(gx)), y0 = min(2, Int(gy))
        let fx = gx - Double(x0), fy = gy - Double(y0)
        func at(_ plane: Int) -> Double {
            let base = plane * 16
            let top = grid[base + y0 * 4 + x0] * (1 - fx) + grid[base + y0 * 4 + x0 + 1] * fx
            let bottom = grid[base + (y0 + 1) * 4 + x0] * (1 - fx) + grid[base + (y0 + 1) * 4 + x0 + 1] * fx
            return top * (1 - fy) + bottom * fy
        }
        return (at(0), at(1))
    }

    /// Bilinear sample at (`x`, `y`), coordinates clamped to the image (fill "nearest"), as 0…1.
    @inline(__always)
    static func sample(_ source: UnsafePointer<UInt8>, height: Int, width: Int, x: Double, y: Double) -> Float {
        let x = min(max(x, 0), Double(width - 1)), y = min(max(y, 0), Double(height - 1))
        let x0 = Int(x), y0 = Int(y)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
        let top = Float(source[y0 * width + x0]) * (1 - fx) + Float(source[y0 * width + x1]) * fx
        let bottom = Float(source[y1 * width + x0]) * (1 - fx) + Float(source[y1 * width + x1]) * fx
        return min(1, (top * (1 - fy) + bottom * fy) * (1 / 255))
    }
}
