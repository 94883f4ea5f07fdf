/// A soft round brush: full ink within `innerRadius` of its centre, fading linearly to nothing at `outerRadius`,
/// so strokes come out with grey edges like MNIST's pen strokes.
public struct Brush: Sendable, Equatable {
    public var innerRadius: Float
    public var outerRadius: Float

    public init(innerRadius: Float, outerRadius: Float) {
        self.innerRadius = max(0, innerRadius)
        self.outerRadius = max(self.innerRadius + 0.01, outerRadius)
    }

    /// The pen: one stroke is about 1.9 cells wide at half ink (2.8 cells with its soft edge), as MNIST's
    /// strokes are on a digit drawn 20 cells tall (their half-ink width: median 1.9 px on the test set). A wider
    /// pen fills the holes of small digits (an 8 drawn 14 cells tall became a blob).
    public static let pen = Brush(innerRadius: 0.5, outerRadius: 1.4)
    /// The eraser: its full-strength core is wider than the pen's whole reach, so retracing a stroke removes it.
    public static let eraser = Brush(innerRadius: 2.0, outerRadius: 2.6)

    /// Ink (0…1) at a distance from the centre, in cells.
    public func strength(atDistance distance: Float) -> Float {
        if distance <= innerRadius { return 1 }
        if distance >= outerRadius { return 0 }
        return (outerRadius - distance) / (outerRadius - innerRadius)
    }
}

extension GrayImage {
    /// Paints (or erases) one dab of `brush` centred at (x, y) in pixel units (pixel (i, j) spans i…i+1, j…j+1):
    /// each pixel keeps the stronger of its ink and the brush's (erasing: the weaker of its ink and the rest).
    public mutating func dab(atX x: Float, y: Float, brush: Brush, erase: Bool = false) {
        guard x.isFinite, y.isFinite else { return }
        let reach = brush.outerRadius
        let low = { (value: Float) in max(0, Int((value - reach).rounded(.down))) }
        let lowX = low(x), lowY = low(y)
        let highX = min(width - 1, Int((x + reach).rounded(.down))), highY = min(height - 1, Int((y + reach).rounded(.down)))
        guard lowX <= highX, lowY <= highY else { return }
        for row in lowY...highY {
            for column in lowX...highX {
                let dx = Float(column) + 0.5 - x, dy = Float(row) + 0.5 - y
                let strength = brush.strength(atDistance: (dx * dx + dy * dy).squareRoot())
                guard strength > 0 else { continue }
                let index = row * width + column
                pixels[index] = erase ? min(pixels[index], 1 - strength) : max(pixels[index], strength)
            }
        }
    }

    /// Paints (or erases) a straight stroke from one point to another with no gaps: dabs every quarter pixel.
    public mutating func stroke(fromX x0: Float, y0: Float, toX x1: Float, y1: Float, brush: Brush, erase: Bool = false) {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        guard length.isFinite else { return }
        let steps = min(1000, max(1, Int((length / 0.25).rounded(.up))))
        for step in 0...steps {
            let t = Float(step) / Float(steps)
            dab(atX: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t, brush: brush, erase: erase)
        }
    }
}
