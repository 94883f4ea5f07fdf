import DigittyVision
import DigittyEngine
/// Thinner or thicker strokes than the writer's: grey-level dilation with a 3×3 window or a soft erosion,
/// fractional amounts blended between whole passes. MNIST's pens are all about two pixels wide; felt pens, blocky terminal
/// cells and thin styluses are not.
public enum StrokeThickness {
    /// The amounts training draws from: from one pass of thinning to two of thickening.
    public static let amounts: ClosedRange<Float> = -1 ... 2

    /// Changes the strokes of the `width × height` image in `pixels` (ink 1 on background 0) in place: `amount`
    /// whole or partial passes of dilation (positive; each widens a stroke by up to two pixels) or a soft erosion
    /// (negative, at most one pass: each pixel drops to the mean of its four neighbours when that is lower, so
    /// edges thin and thin strokes fade rather than vanish).
    public static func change(_ pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int, by amount: Float) {
        precondition(pixels.count == width * height, "one image of width × height pixels")
        guard amount.isFinite, amount != 0 else { return }
        var remaining = min(abs(amount), amount > 0 ? amounts.upperBound : -amounts.lowerBound)
        var pass = [Float](repeating: 0, count: pixels.count)
        while remaining > 0 {
            let share = min(1, remaining)
            for y in 0 ..< height {
                for x in 0 ..< width {
                    var value = pixels[y * width + x]
                    var neighbours: Float = 0
                    for dy in -1 ... 1 {
                        for dx in -1 ... 1 where dx != 0 || dy != 0 {
                            let (u, v) = (x + dx, y + dy)
                            let inside = u >= 0 && v >= 0 && u < width && v < height
                            if amount > 0, inside { value = max(value, pixels[v * width + u]) }
                            if amount < 0, dx == 0 || dy == 0 { neighbours += inside ? pixels[v * width + u] : 0 }
                        }
                    }
                    if amount < 0 { value = min(value, neighbours / 4) }
                    pass[y * width + x] = value
                }
            }
            for index in pixels.indices { pixels[index] += (pass[index] - pixels[index]) * share }
            remaining -= share
        }
    }
}
