import DigittyVision
import DigittyEngine
import Foundation

/// Draws strokes (polylines in a unit box) on the app's 28×28 canvas as a person would with its pen: at a random
/// size, place, aspect ratio and slant, every point jittered, then prepared as the app prepares a drawing
/// (`MNISTPreprocessing`). Deterministic for a given generator state.
public struct StrokeDrawing: Sendable {
    public var brush: Brush
    /// How far each point moves at random, as a share of the drawn height (standard deviation).
    public var jitter: Float

    public init(brush: Brush = .pen, jitter: Float = 0.035) {
        self.brush = brush
        self.jitter = jitter
    }

    /// `strokes` drawn at random and prepared; nil when nothing is left to read (never in practice).
    public func draw(_ strokes: [[SIMD2<Float>]], using random: inout some RandomNumberGenerator) -> GrayImage? {
        MNISTPreprocessing.prepare(canvas(strokes, using: &random))
    }

    /// `strokes` drawn at random on the canvas, without the preprocessing.
    public func canvas(_ strokes: [[SIMD2<Float>]], using random: inout some RandomNumberGenerator) -> GrayImage {
        let side = Float(PenRedrawing.canvasSide)
        let height = Augmenter.uniform(12, 25, &random)
        let width = height * Augmenter.uniform(0.45, 0.85, &random)
        let slant = Augmenter.uniform(-0.3, 0.3, &random)
        let turn = Augmenter.uniform(-0.14, 0.14, &random)
        let left = Augmenter.uniform(1, max(1.01, side - 1 - width - abs(slant) * height), &random) + max(0, slant * height)
        let top = Augmenter.uniform(1, max(1.01, side - 1 - height), &random)
        var canvas = GrayImage(width: PenRedrawing.canvasSide, height: PenRedrawing.canvasSide)
        for stroke in strokes {
            let points = stroke.map { point -> SIMD2<Float> in
                let u = point.x + gaussian(&random) * jitter * height / width
                let v = point.y + gaussian(&random) * jitter
                // Turn about the box centre, then slant (the top leans right for a positive slant).
                let (du, dv) = ((u - 0.5) * width, (v - 0.5) * height)
                let x = du * cos(turn) - dv * sin(turn), y = du * sin(turn) + dv * cos(turn)
                return SIMD2(left + width / 2 + x - slant * y, top + height / 2 + y)
            }
            for (from, to) in zip(points, points.dropFirst()) {
                canvas.stroke(fromX: from.x, y0: from.y, toX: to.x, y1: to.y, brush: brush)
            }
            if points.count == 1 { canvas.dab(atX: points[0].x, y: points[0].y, brush: brush) }
        }
        return canvas
    }

    /// A standard normal draw (Box–Muller).
    func gaussian(_ random: inout some RandomNumberGenerator) -> Float {
        let u = max(Augmenter.uniform(0, 1, &random), 1e-7), v = Augmenter.uniform(0, 1, &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
