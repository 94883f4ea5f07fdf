import DigittyVision
import Foundation

/// The app's only contact with image preprocessing and image files.
///
/// INTERIM: DigittyVision's `MNISTPreprocessing` is being built on another branch. Until it lands, `prepare`
/// uses the minimal internal stand-in below; it is then a one-line call and `InterimPreprocessing` is deleted.
enum VisionBridge {
    /// MNIST-style preprocessing of the drawing: nil when there is no ink.
    static func prepare(_ image: GrayImage) -> GrayImage? { InterimPreprocessing.prepare(image) }

    /// The file bytes for an image saved under `path`: PGM for a `.pgm` name, PNG otherwise.
    static func encode(_ image: GrayImage, forPath path: String) -> [UInt8] {
        path.lowercased().hasSuffix(".pgm") ? PGM.encode(image) : PNG.encode(image)
    }

    /// Reads a PNG or PGM image file.
    static func load(_ url: URL) throws -> GrayImage { try ImageFile.load(contentsOf: url) }
}

/// INTERIM stand-in for DigittyVision's preprocessing and PGM decoding (see `VisionBridge`).
enum InterimPreprocessing {
    static func prepare(_ image: GrayImage) -> GrayImage? {
        var pixels = image.pixels
        let mean = pixels.reduce(0, +) / Float(max(1, pixels.count))
        if mean > 0.5 { pixels = pixels.map { 1 - $0 } }
        let threshold: Float = 0.02
        var minX = image.width, minY = image.height, maxX = -1, maxY = -1
        for y in 0..<image.height {
            for x in 0..<image.width where pixels[y * image.width + x] > threshold {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        let boxWidth = maxX - minX + 1, boxHeight = maxY - minY + 1
        let scale = 20 / Float(max(boxWidth, boxHeight))
        let outWidth = max(1, min(20, Int((Float(boxWidth) * scale).rounded()))),
            outHeight = max(1, min(20, Int((Float(boxHeight) * scale).rounded())))
        // Area averaging: each output pixel is the mean of the source area it covers.
        let sx = Float(boxWidth) / Float(outWidth), sy = Float(boxHeight) / Float(outHeight)
        var scaled = [Float](repeating: 0, count: outWidth * outHeight)
        for oy in 0..<outHeight {
            let y0 = Float(oy) * sy, y1 = y0 + sy
            for ox in 0..<outWidth {
                let x0 = Float(ox) * sx, x1 = x0 + sx
                var sum: Float = 0
                for y in Int(y0)..<min(boxHeight, Int(y1.rounded(.up))) {
                    let wy = min(y1, Float(y + 1)) - max(y0, Float(y))
                    guard wy > 0 else { continue }
                    for x in Int(x0)..<min(boxWidth, Int(x1.rounded(.up))) {
                        let wx = min(x1, Float(x + 1)) - max(x0, Float(x))
                        guard wx > 0 else { continue }
                        sum += wx * wy * pixels[(minY + y) * image.width + minX + x]
                    }
                }
                scaled[oy * outWidth + ox] = sum / (sx * sy)
            }
        }
        var total: Float = 0, cx: Float = 0, cy: Float = 0
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let value = scaled[y * outWidth + x]
                total += value; cx += value * Float(x); cy += value * Float(y)
            }
        }
        let shiftX = Int((14 - (total > 0 ? cx / total : Float(outWidth) / 2) - 0.5).rounded())
        let shiftY = Int((14 - (total > 0 ? cy / total : Float(outHeight) / 2) - 0.5).rounded())
        var result = GrayImage(width: 28, height: 28)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let tx = x + shiftX, ty = y + shiftY
                guard tx >= 0, ty >= 0, tx < 28, ty < 28 else { continue }
                result[tx, ty] = min(1, max(0, scaled[y * outWidth + x]))
            }
        }
        return result
    }
}
