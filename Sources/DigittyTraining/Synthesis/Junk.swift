import DigittyVision
import DigittyEngine
import Foundation

/// Pictures that are not digits, for teaching and measuring "not a digit": each kind drawn at random from a
/// generator, on the app's 28×28 canvas or as a raw picture, then prepared as the reader prepares any picture.
public enum Junk: String, CaseIterable, Sendable {
    /// Every pixel uniformly random, at a random density of ink.
    case uniformNoise = "uniform-noise"
    /// Smoothed random noise cut at a level: irregular blobs.
    case blobs
    /// Two to four long random pen strokes that wander and turn.
    case scribble
    /// A triangle, star, X, plus, hash, arrow, zigzag or crossed box drawn with the pen.
    case shape
    /// A capital or small letter that looks like no digit, drawn with the pen (the tests use letters from fonts).
    case letter
    /// A digit (not a 1) with a random half of its ink box erased, 30–70% of its ink gone.
    case halfErased = "half-erased"

    /// One picture of this kind; `digits` (28×28 bytes, needed by `halfErased` only) are picked from at random.
    /// Nil when the picture came out without ink (the caller draws again).
    public func draw(digits: LabelledImages?, using random: inout some RandomNumberGenerator) -> GrayImage? {
        let side = PenRedrawing.canvasSide
        let pen = StrokeDrawing(jitter: 0.02)
        switch self {
        case .uniformNoise:
            let density = Augmenter.uniform(0.05, 1, &random)
            let pixels = (0 ..< side * side).map { _ in
                Augmenter.uniform(0, 1, &random) < density ? Augmenter.uniform(0, 1, &random) : 0
            }
            return MNISTPreprocessing.prepare(GrayImage(width: side, height: side, pixels: pixels))
        case .blobs:
            let grid = Int(Augmenter.uniform(3, 9, &random))
            let coarse = GrayImage(width: grid, height: grid, pixels: (0 ..< grid * grid).map { _ in Augmenter.uniform(0, 1, &random) })
            var smooth = AreaResampling.resize(coarse, width: side, height: side)
            smooth = Self.blurred(smooth)
            let level = Augmenter.uniform(0.45, 0.75, &random)
            smooth.pixels = smooth.pixels.map { $0 >= level ? 1 : 0 }
            return MNISTPreprocessing.prepare(smooth)
        case .scribble:
            let strokes = (0 ..< Int(Augmenter.uniform(2, 5, &random))).map { _ in
                var point = SIMD2(Augmenter.uniform(0, 1, &random), Augmenter.uniform(0, 1, &random))
                var heading = Augmenter.uniform(0, 2 * .pi, &random)
                return (0 ..< 12).map { _ in
                    heading += Augmenter.uniform(-1.6, 1.6, &random)
                    point += SIMD2(cos(heading), sin(heading)) * 0.22
                    point = SIMD2(min(max(point.x, 0), 1), min(max(point.y, 0), 1))
                    return point
                }
            }
            return pen.draw(strokes, using: &random)
        case .shape:
            let shapes = Self.shapes
            return pen.draw(shapes[Int(Augmenter.uniform(0, Float(shapes.count), &random)) % shapes.count], using: &random)
        case .letter:
            let letters = Self.letters
            let pick = letters[Int(Augmenter.uniform(0, Float(letters.count), &random)) % letters.count]
            return pen.draw(pick.strokes, using: &random)
        case .halfErased:
            guard let digits, digits.count > 0 else { return nil }
            let index = Int(Augmenter.uniform(0, Float(digits.count), &random)) % digits.count
            // Half of a 1 is still a 1.
            guard digits.labels[index] != 1 else { return nil }
            let digit = GrayImage(width: digits.width, height: digits.height,
                                  bytes: Array(digits.pixels[index * digits.imageSize ..< (index + 1) * digits.imageSize]))
            guard let box = MNISTPreprocessing.boundingBox(of: digit) else { return nil }
            var erased = digit
            let side = Int(Augmenter.uniform(0, 4, &random))
            for y in 0 ..< digit.height {
                for x in 0 ..< digit.width {
                    let gone = switch side {
                    case 0: 2 * (y - box.y) < box.height
                    case 1: 2 * (y - box.y) >= box.height
                    case 2: 2 * (x - box.x) < box.width
                    default: 2 * (x - box.x) >= box.width
                    }
                    if gone { erased[x, y] = 0 }
                }
            }
            // A real half: between 30% and 70% of the ink gone.
            let kept = erased.pixels.reduce(0, +) / max(digit.pixels.reduce(0, +), 1e-6)
            guard kept >= 0.3, kept <= 0.7 else { return nil }
            return MNISTPreprocessing.prepare(erased)
        }
    }

    /// A 3×3 box blur (edges averaged over the pixels inside).
    static func blurred(_ image: GrayImage) -> GrayImage {
        var output = image
        for y in 0 ..< image.height {
            for x in 0 ..< image.width {
                var sum: Float = 0, count: Float = 0
                for v in max(0, y - 1) ... min(image.height - 1, y + 1) {
                    for u in max(0, x - 1) ... min(image.width - 1, x + 1) { sum += image[u, v]; count += 1 }
                }
                output[x, y] = sum / count
            }
        }
        return output
    }

    /// Shapes that are no digit. A circle (0), a plain rectangle (a blocky 0) and a lone line (1) are left out.
    static let shapes: [[[SIMD2<Float>]]] = [
        [[SIMD2(0.5, 0), SIMD2(1, 1), SIMD2(0, 1), SIMD2(0.5, 0)]],
        [(0 ... 5).map { step in
            let angle = (-90 + Float(step) * 144) * .pi / 180
            return SIMD2(0.5 + 0.5 * cos(angle), 0.5 + 0.5 * sin(angle))
        }],
        [[SIMD2(0, 0), SIMD2(1, 1)], [SIMD2(1, 0), SIMD2(0, 1)]],
        [[SIMD2(0.5, 0), SIMD2(0.5, 1)], [SIMD2(0, 0.5), SIMD2(1, 0.5)]],
        [[SIMD2(0.35, 0), SIMD2(0.3, 1)], [SIMD2(0.72, 0), SIMD2(0.67, 1)], [SIMD2(0, 0.33), SIMD2(1, 0.33)],
         [SIMD2(0, 0.67), SIMD2(1, 0.67)]],
        [[SIMD2(0, 0.5), SIMD2(1, 0.5)], [SIMD2(0.6, 0.15), SIMD2(1, 0.5), SIMD2(0.6, 0.85)]],
        [[SIMD2(0, 0), SIMD2(0.25, 1), SIMD2(0.5, 0), SIMD2(0.75, 1), SIMD2(1, 0)]],
        [[SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1), SIMD2(0, 0), SIMD2(1, 1)], [SIMD2(1, 0), SIMD2(0, 1)]],
    ]

    /// Letters drawn with the pen, none like a digit (no O, I, l, S, Z, B, G, b, g, q).
    static let letters: [(letter: Character, strokes: [[SIMD2<Float>]])] = [
        ("A", [[SIMD2(0, 1), SIMD2(0.5, 0), SIMD2(1, 1)], [SIMD2(0.22, 0.6), SIMD2(0.78, 0.6)]]),
        ("E", [[SIMD2(1, 0), SIMD2(0, 0), SIMD2(0, 1), SIMD2(1, 1)], [SIMD2(0, 0.5), SIMD2(0.75, 0.5)]]),
        ("F", [[SIMD2(1, 0), SIMD2(0, 0), SIMD2(0, 1)], [SIMD2(0, 0.5), SIMD2(0.75, 0.5)]]),
        ("H", [[SIMD2(0, 0), SIMD2(0, 1)], [SIMD2(1, 0), SIMD2(1, 1)], [SIMD2(0, 0.5), SIMD2(1, 0.5)]]),
        ("K", [[SIMD2(0, 0), SIMD2(0, 1)], [SIMD2(1, 0), SIMD2(0, 0.55), SIMD2(1, 1)]]),
        ("M", [[SIMD2(0, 1), SIMD2(0, 0), SIMD2(0.5, 0.6), SIMD2(1, 0), SIMD2(1, 1)]]),
        ("N", [[SIMD2(0, 1), SIMD2(0, 0), SIMD2(1, 1), SIMD2(1, 0)]]),
        ("R", [[SIMD2(0, 1), SIMD2(0, 0)] + StrokeStyle.arc(centre: SIMD2(0.45, 0.25), radii: SIMD2(0.5, 0.25), from: -90, to: 90)
               + [SIMD2(0, 0.5), SIMD2(1, 1)]]),
        ("T", [[SIMD2(0, 0), SIMD2(1, 0)], [SIMD2(0.5, 0), SIMD2(0.5, 1)]]),
        ("V", [[SIMD2(0, 0), SIMD2(0.5, 1), SIMD2(1, 0)]]),
        ("W", [[SIMD2(0, 0), SIMD2(0.25, 1), SIMD2(0.5, 0.3), SIMD2(0.75, 1), SIMD2(1, 0)]]),
        ("X", [[SIMD2(0, 0), SIMD2(1, 1)], [SIMD2(1, 0), SIMD2(0, 1)]]),
        ("Y", [[SIMD2(0, 0), SIMD2(0.5, 0.5), SIMD2(1, 0)], [SIMD2(0.5, 0.5), SIMD2(0.5, 1)]]),
        ("C", [StrokeStyle.arc(centre: SIMD2(0.55, 0.5), radii: SIMD2(0.5, 0.5), from: -50, to: -310)]),
        ("U", [[SIMD2(0, 0), SIMD2(0, 0.7)] + StrokeStyle.arc(centre: SIMD2(0.5, 0.7), radii: SIMD2(0.5, 0.3), from: 180, to: 0)
               + [SIMD2(1, 0)]]),
        ("P", [[SIMD2(0, 1), SIMD2(0, 0)] + StrokeStyle.arc(centre: SIMD2(0.45, 0.25), radii: SIMD2(0.5, 0.25), from: -90, to: 90)
               + [SIMD2(0, 0.5)]]),
        ("h", [[SIMD2(0, 0), SIMD2(0, 1)], [SIMD2(0, 0.55)] + StrokeStyle.arc(centre: SIMD2(0.5, 0.6), radii: SIMD2(0.5, 0.25), from: 180, to: 360)
               + [SIMD2(1, 1)]]),
        ("k", [[SIMD2(0, 0), SIMD2(0, 1)], [SIMD2(0.9, 0.35), SIMD2(0, 0.7), SIMD2(1, 1)]]),
        ("e", [[SIMD2(0, 0.5), SIMD2(1, 0.5)] + StrokeStyle.arc(centre: SIMD2(0.5, 0.5), radii: SIMD2(0.5, 0.5), from: 0, to: -300)]),
        ("m", [[SIMD2(0, 1), SIMD2(0, 0.2)], [SIMD2(0, 0.4)] + StrokeStyle.arc(centre: SIMD2(0.25, 0.4), radii: SIMD2(0.25, 0.3), from: 180, to: 360)
               + [SIMD2(0.5, 1)], [SIMD2(0.5, 0.4)] + StrokeStyle.arc(centre: SIMD2(0.75, 0.4), radii: SIMD2(0.25, 0.3), from: 180, to: 360)
               + [SIMD2(1, 1)]]),
        ("w", [[SIMD2(0, 0.2), SIMD2(0.25, 1), SIMD2(0.5, 0.4), SIMD2(0.75, 1), SIMD2(1, 0.2)]]),
    ]
}
