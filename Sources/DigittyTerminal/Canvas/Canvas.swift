import DigittyVision

/// The 28×28 drawing surface: ink levels in 0…1 (1 = full ink), row-major, as MNIST stores digits.
public struct Canvas: Sendable, Equatable {
    /// Cells per side.
    public static let size = 28

    public private(set) var ink: [Float]

    /// A blank canvas.
    public init() { ink = [Float](repeating: 0, count: Canvas.size * Canvas.size) }

    /// A canvas from a 28×28 image (other sizes give a blank canvas).
    public init(image: GrayImage) {
        self.init()
        guard image.width == Canvas.size, image.height == Canvas.size else { return }
        ink = image.pixels.map { min(max($0, 0), 1) }
    }

    /// The ink at column `x`, row `y`; 0 outside the canvas.
    public subscript(x: Int, y: Int) -> Float {
        guard Canvas.contains(x: x, y: y) else { return 0 }
        return ink[y * Canvas.size + x]
    }

    /// Whether the canvas has any visible ink.
    public var isEmpty: Bool { !ink.contains { $0 > 0.02 } }

    /// The drawing as an image (ink 1 on background 0).
    public var image: GrayImage { GrayImage(width: Canvas.size, height: Canvas.size, pixels: ink) }

    /// Whether (x, y) is a cell of the canvas.
    public static func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size && y < size }

    /// Paints (or erases) one soft brush dab centred at (x, y) in cell units (cell (i, j) spans i…i+1, j…j+1).
    public mutating func dab(atX x: Float, y: Float, brush: Brush, erase: Bool = false) {
        guard x.isFinite, y.isFinite else { return }
        let reach = brush.outerRadius
        let low = { (value: Float) in max(0, Int((value - reach).rounded(.down))) }
        let high = { (value: Float) in min(Canvas.size - 1, Int((value + reach).rounded(.down))) }
        guard low(x) <= high(x), low(y) <= high(y) else { return }
        for row in low(y)...high(y) {
            for column in low(x)...high(x) {
                let dx = Float(column) + 0.5 - x, dy = Float(row) + 0.5 - y
                let strength = brush.strength(atDistance: (dx * dx + dy * dy).squareRoot())
                guard strength > 0 else { continue }
                let index = row * Canvas.size + column
                ink[index] = erase ? min(ink[index], 1 - strength) : max(ink[index], strength)
            }
        }
    }

    /// Paints (or erases) a straight stroke from one point to another with no gaps: dabs every fraction of a cell.
    public mutating func stroke(fromX x0: Float, y0: Float, toX x1: Float, y1: Float, brush: Brush, erase: Bool = false) {
        let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
        guard length.isFinite else { return }
        let steps = min(1000, max(1, Int((length / 0.25).rounded(.up))))
        for step in 0...steps {
            let t = Float(step) / Float(steps)
            dab(atX: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t, brush: brush, erase: erase)
        }
    }

    /// Removes all ink.
    public mutating func clear() { ink = [Float](repeating: 0, count: ink.count) }
}
