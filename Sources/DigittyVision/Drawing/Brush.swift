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
