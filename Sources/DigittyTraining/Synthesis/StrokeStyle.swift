import DigittyEngine
import DigittyVision
import Foundation

/// Ways of writing digits that MNIST (American writers) lacks, each as pen strokes in a unit box: x from 0 (left)
/// to 1 (right), y from 0 (top) to 1 (bottom). `StrokeDrawing` draws them with jitter through the app's pen.
/// Styles marked `heldOut` are never trained on; they only test how far the model generalises.
public enum StrokeStyle: String, CaseIterable, Sendable {
    case oneFlag = "1-flag"
    case oneFlagFoot = "1-flag-foot"
    case oneHook = "1-hook"
    case sevenCrossed = "7-crossed"
    case sevenSerif = "7-serif"
    case sevenCrossedSerif = "7-crossed-serif"
    case fourOpen = "4-open"
    case fourClosed = "4-closed"
    case fourSlantedOpen = "4-slanted-open"
    case nineStraight = "9-straight-tail"
    case nineCurved = "9-curved-tail"
    case nineHooked = "9-hooked-tail"
    case twoLoop = "2-loop"
    case twoPlain = "2-plain"

    /// The digit written.
    public var digit: Int { Int(String(rawValue.first!))! }

    /// Styles only the tests see: each a variant of trained styles (a hooked flag, a crossed 7 with a serif, a
    /// slanted open 4, a 9 whose tail hooks left).
    public var heldOut: Bool { [.oneHook, .sevenCrossedSerif, .fourSlantedOpen, .nineHooked].contains(self) }

    public static var trained: [StrokeStyle] { allCases.filter { !$0.heldOut } }
    public static var heldOutStyles: [StrokeStyle] { allCases.filter(\.heldOut) }

    /// The strokes, each a polyline of (x, y) points in the unit box.
    public var strokes: [[SIMD2<Float>]] {
        switch self {
        case .oneFlag: [[p(0.15, 0.32), p(0.62, 0), p(0.62, 1)]]
        case .oneFlagFoot: [[p(0.15, 0.32), p(0.62, 0), p(0.62, 1)], [p(0.25, 1), p(0.98, 1)]]
        case .oneHook: [Self.arc(centre: p(0.62, 0.45), radii: p(0.45, 0.45), from: 200, to: 270) + [p(0.62, 1)]]
        case .sevenCrossed: [[p(0, 0.02), p(1, 0), p(0.35, 1)], [p(0.25, 0.5), p(0.9, 0.5)]]
        case .sevenSerif: [[p(0.02, 0.2), p(0, 0), p(1, 0), p(0.4, 1)]]
        case .sevenCrossedSerif: [[p(0.02, 0.2), p(0, 0), p(1, 0), p(0.4, 1)], [p(0.3, 0.5), p(0.95, 0.5)]]
        case .fourOpen: [[p(0.12, 0), p(0.05, 0.62), p(1, 0.62)], [p(0.72, 0), p(0.72, 1)]]
        case .fourClosed: [[p(0.72, 1), p(0.72, 0), p(0, 0.65), p(1, 0.65)]]
        case .fourSlantedOpen: [[p(0.35, 0), p(0, 0.6), p(1, 0.6)], [p(0.75, 0.2), p(0.68, 1)]]
        case .nineStraight: [Self.arc(centre: p(0.5, 0.27), radii: p(0.45, 0.27), from: 0, to: 360), [p(0.95, 0.27), p(0.9, 1)]]
        case .nineCurved:
            [Self.arc(centre: p(0.5, 0.27), radii: p(0.45, 0.27), from: 0, to: 360),
             [p(0.95, 0.27)] + Self.arc(centre: p(0.45, 0.55), radii: p(0.5, 0.45), from: 0, to: 110)]
        case .nineHooked:
            [Self.arc(centre: p(0.5, 0.27), radii: p(0.45, 0.27), from: 0, to: 360),
             [p(0.95, 0.27), p(0.92, 0.85)] + Self.arc(centre: p(0.72, 0.85), radii: p(0.2, 0.15), from: 0, to: 160)]
        case .twoLoop:
            [Self.arc(centre: p(0.5, 0.28), radii: p(0.45, 0.28), from: 190, to: 380)
             + [p(0.12, 0.92), p(0.02, 0.84), p(0.1, 0.76), p(0.22, 0.9), p(0.3, 1), p(1, 1)]]
        case .twoPlain:
            [Self.arc(centre: p(0.5, 0.28), radii: p(0.45, 0.28), from: 190, to: 380) + [p(0, 1), p(1, 1)]]
        }
    }

    private func p(_ x: Float, _ y: Float) -> SIMD2<Float> { SIMD2(x, y) }

    /// Points along an ellipse from angle `from` to `to` (degrees; 0 is the right, 90 the bottom, as y points
    /// down), every 15°.
    static func arc(centre: SIMD2<Float>, radii: SIMD2<Float>, from: Float, to: Float) -> [SIMD2<Float>] {
        let steps = max(1, Int((abs(to - from) / 15).rounded(.up)))
        return (0 ... steps).map { step in
            let angle = (from + (to - from) * Float(step) / Float(steps)) * .pi / 180
            return centre + radii * SIMD2(cos(angle), sin(angle))
        }
    }
}
