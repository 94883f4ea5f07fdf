import DigittyVision

/// The 28×28 drawing surface: ink levels in 0…1 (1 = full ink), row-major, as MNIST stores digits.
public struct Canvas: Sendable, Equatable {
    /// Cells per side.
    public static let size = 28

    /// The drawing as an image (ink 1 on background 0).
    public private(set) var image: GrayImage

    /// A blank canvas.
    public init() { image = GrayImage(width: Canvas.size, height: Canvas.size) }

    /// A canvas from a 28×28 image (other sizes give a blank canvas).
    public init(image: GrayImage) {
        self.init()
        guard image.width == Canvas.size, image.height == Canvas.size else { return }
        self.image.pixels = image.pixels.map { min(max($0, 0), 1) }
    }

    /// The ink of every cell, row-major.
    public var ink: [Float] { image.pixels }

    /// The ink at column `x`, row `y`; 0 outside the canvas.
    public subscript(x: Int, y: Int) -> Float {
        guard Canvas.contains(x: x, y: y) else { return 0 }
        return image[x, y]
    }

    /// Whether the canvas has any visible ink.
    public var isEmpty: Bool { !image.pixels.contains { $0 > 0.02 } }

    /// Whether (x, y) is a cell of the canvas.
    public static func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < size && y < size }

    /// Paints (or erases) one soft brush dab centred at (x, y) in cell units (cell (i, j) spans i…i+1, j…j+1).
    public mutating func dab(atX x: Float, y: Float, brush: Brush, erase: Bool = false) {
        image.dab(atX: x, y: y, brush: brush, erase: erase)
    }

    /// Paints (or erases) a straight stroke from one point to another with no gaps.
    public mutating func stroke(fromX x0: Float, y0: Float, toX x1: Float, y1: Float, brush: Brush, erase: Bool = false) {
        image.stroke(fromX: x0, y0: y0, toX: x1, y1: y1, brush: brush, erase: erase)
    }

    /// Removes all ink.
    public mutating func clear() { image = GrayImage(width: Canvas.size, height: Canvas.size) }
}
