import DigittyEngine
import DigittyVision
import Foundation

/// Images for benchmarks: the MNIST test digits when the data is found (`--data`, `DIGITTY_DATA`, the cache),
/// else digit-like strokes drawn in code, so that timings include realistic sparsity either way.
enum BenchmarkImages {
    /// `count` images of `height × width` pixels in 0…1, concatenated, and where they came from.
    static func make(count: Int, height: Int, width: Int, dataDirectory: String?) -> (pixels: [Float], source: String) {
        let directory = MNISTLocation.resolve(explicit: dataDirectory)
        if height == 28, width == 28, let test = try? MNISTDataset.load(directory: directory, split: .test), test.count > 0 {
            var pixels = [Float](repeating: 0, count: count * 784)
            for image in 0..<count {
                for (offset, byte) in test.pixels(at: image % test.count).enumerated() {
                    pixels[image * 784 + offset] = Float(byte) / 255
                }
            }
            return (pixels, "MNIST test digits from \(directory.path)")
        }
        return (strokes(count: count, height: height, width: width), "synthetic strokes (no MNIST data found)")
    }

    private static func strokes(count: Int, height: Int, width: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: count * height * width)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func random() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Double(state % 10_000) / 10_000
        }
        for image in 0..<count {
            let base = image * height * width
            // An ellipse arc and a slanted bar, like a 0, 6 or 9.
            let (cx, cy) = (Double(width) * (0.4 + 0.2 * random()), Double(height) * (0.4 + 0.2 * random()))
            let (rx, ry) = (Double(width) * (0.15 + 0.1 * random()), Double(height) * (0.2 + 0.1 * random()))
            for step in 0..<80 {
                let angle = Double(step) / 80 * 2 * Double.pi * (0.6 + 0.4 * random())
                paint(&pixels, base: base, x: Int(cx + rx * cos(angle)), y: Int(cy + ry * sin(angle)), width: width, height: height)
                let t = Double(step) / 80
                paint(&pixels, base: base, x: Int(cx + rx + 2 * t), y: Int(cy - ry + 2 * ry * t), width: width, height: height)
            }
        }
        return pixels
    }

    private static func paint(_ pixels: inout [Float], base: Int, x: Int, y: Int, width: Int, height: Int) {
        for (dx, dy, value) in [(0, 0, Float(1)), (1, 0, 0.6), (0, 1, 0.6), (-1, 0, 0.4), (0, -1, 0.4)] {
            let (px, py) = (x + dx, y + dy)
            guard px >= 0, px < width, py >= 0, py < height else { continue }
            pixels[base + py * width + px] = max(pixels[base + py * width + px], value)
        }
    }
}
