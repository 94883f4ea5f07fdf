import DigittyVision

/// Measurements on digit images.
public enum Ink {
    /// The centre of mass (x, y) in pixel-index coordinates, nil for an empty image.
    public static func centreOfMass(_ image: GrayImage) -> (x: Float, y: Float)? {
        var mass: Float = 0, sx: Float = 0, sy: Float = 0
        for y in 0 ..< image.height {
            for x in 0 ..< image.width {
                let value = image[x, y]
                mass += value; sx += value * Float(x); sy += value * Float(y)
            }
        }
        return mass > 0 ? (sx / mass, sy / mass) : nil
    }

    /// The bounding box of pixels above `threshold`.
    public static func box(_ image: GrayImage, threshold: Float = 0) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        var box: (x0: Int, y0: Int, x1: Int, y1: Int)?
        for y in 0 ..< image.height {
            for x in 0 ..< image.width where image[x, y] > threshold {
                if let b = box { box = (min(b.x0, x), min(b.y0, y), max(b.x1, x), max(b.y1, y)) } else { box = (x, y, x, y) }
            }
        }
        return box
    }

    public static func meanAbsoluteDifference(_ a: GrayImage, _ b: GrayImage) -> Float {
        zip(a.pixels, b.pixels).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(a.pixels.count)
    }
}
