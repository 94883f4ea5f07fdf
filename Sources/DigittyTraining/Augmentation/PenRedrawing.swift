import DigittyEngine
import DigittyVision
/// A digit drawn again the way a person draws it on digitty's 28×28 canvas: the app's pen follows the digit's
/// ink at another size, and the drawing then goes through the MNIST-style preprocessing the app applies before
/// it predicts. MNIST never shows a model what that gives (blocky, thick-stroked digits, small ones blown up
/// to full size), so training on some redrawn images teaches it.
public struct PenRedrawing: Sendable, Equatable {
    /// The canvas's width and height, in cells.
    public static let canvasSide = 28
    /// Drawn sizes relative to the digit's MNIST size: from about 10 cells tall to the whole canvas.
    public static let scales: ClosedRange<Float> = 0.5 ... 1.35
    /// Cells kept free at the canvas's edges.
    static let margin: Float = 1

    public let brush: Brush

    public init(brush: Brush = .pen) { self.brush = brush }

    /// `digit` (ink 1 on background 0) drawn at `scale` times its size with the top-left of its ink at
    /// (`left`, `top`) in canvas cells, without the preprocessing. A cell is inked when the digit's pixel under
    /// the cell's centre holds at least half ink; the pen is dragged along every row's run of inked cells, as a
    /// person tracing the digit would cover it. Nil when the digit has no such ink.
    public func draw(_ digit: GrayImage, scale: Float, left: Float, top: Float) -> GrayImage? {
        guard scale > 0, scale.isFinite, let box = Self.inkBox(of: digit) else { return nil }
        let side = Self.canvasSide
        var canvas = GrayImage(width: side, height: side)
        func inked(_ x: Int, _ y: Int) -> Bool {
            let u = (Float(x) + 0.5 - left) / scale + Float(box.minX), v = (Float(y) + 0.5 - top) / scale + Float(box.minY)
            guard u >= 0, v >= 0, u < Float(digit.width), v < Float(digit.height) else { return false }
            return digit[Int(u), Int(v)] >= 0.5
        }
        for y in 0 ..< side {
            var x = 0
            while x < side {
                guard inked(x, y) else { x += 1; continue }
                let start = x
                while x < side, inked(x, y) { x += 1 }
                canvas.stroke(fromX: Float(start) + 0.5, y0: Float(y) + 0.5, toX: Float(x) - 0.5, y1: Float(y) + 0.5, brush: brush)
            }
        }
        return canvas.pixels.contains { $0 > 0 } ? canvas : nil
    }

    /// `digit` drawn at a random size (from `scales`, shrunk if the canvas is too small for it) and place,
    /// then preprocessed as the app does; nil when the digit has no ink to trace.
    public func redraw(_ digit: GrayImage, using random: inout some RandomNumberGenerator) -> GrayImage? {
        guard let box = Self.inkBox(of: digit) else { return nil }
        let room = Float(Self.canvasSide) - 2 * Self.margin
        let longest = Float(max(box.maxX - box.minX, box.maxY - box.minY) + 1)
        let scale = min(Augmenter.uniform(Self.scales.lowerBound, Self.scales.upperBound, &random), room / longest)
        let spareX = max(0, room - Float(box.maxX - box.minX + 1) * scale)
        let spareY = max(0, room - Float(box.maxY - box.minY + 1) * scale)
        let left = Self.margin + Augmenter.uniform(0, spareX, &random), top = Self.margin + Augmenter.uniform(0, spareY, &random)
        return draw(digit, scale: scale, left: left, top: top).flatMap(MNISTPreprocessing.prepare)
    }

    /// The box around the pixels with at least half ink.
    static func inkBox(of image: GrayImage) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
        var box = (minX: image.width, minY: image.height, maxX: -1, maxY: -1)
        for y in 0 ..< image.height { for x in 0 ..< image.width where image[x, y] >= 0.5 {
            box = (min(box.minX, x), min(box.minY, y), max(box.maxX, x), max(box.maxY, y))
        } }
        return box.maxX >= 0 ? box : nil
    }
}
