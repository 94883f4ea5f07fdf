import DigittyVision
import DigittyEngine

/// Labelled image sets built from a seed: digits in the styles MNIST lacks, and junk labelled "not a digit"
/// (class 10). The same seed gives the same bytes.
public enum SyntheticImages {
    /// The class of "not a digit" in an eleven-output model.
    public static let notADigit: UInt8 = 10

    /// `perStyle` drawings of each of `styles`, labelled with their digit, in style order (fewer only if drawings
    /// kept coming out empty, which these strokes never do).
    public static func styles(_ styles: [StrokeStyle], perStyle: Int, seed: UInt64) -> LabelledImages {
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for (number, style) in styles.enumerated() {
            var random = SeededRandom(seed: seed, stream: UInt64(number), purpose: 11)
            let strokes = style.strokes
            var made = 0, tries = 0
            while made < perStyle, tries < 20 * perStyle {
                tries += 1
                guard let image = StrokeDrawing().draw(strokes, using: &random) else { continue }
                pixels += image.bytes
                labels.append(UInt8(style.digit))
                made += 1
            }
        }
        return try! LabelledImages(pixels: pixels, labels: labels)  // whole 28×28 images by construction
    }

    /// `perKind` pictures of each of `kinds`, labelled "not a digit"; `digits` supply the half-erased ones (none
    /// without them; other kinds fall short only if their pictures keep coming out without ink).
    public static func junk(_ kinds: [Junk] = Junk.allCases, perKind: Int, digits: LabelledImages?,
                            seed: UInt64) -> LabelledImages {
        var pixels: [UInt8] = [], labels: [UInt8] = []
        for (number, kind) in kinds.enumerated() {
            var random = SeededRandom(seed: seed, stream: UInt64(number), purpose: 12)
            var made = 0, tries = 0
            while made < perKind, tries < 20 * perKind {
                tries += 1
                guard let image = kind.draw(digits: digits, using: &random) else { continue }
                pixels += image.bytes
                labels.append(notADigit)
                made += 1
            }
        }
        return try! LabelledImages(pixels: pixels, labels: labels)
    }
}

extension LabelledImages {
    /// These images followed by `other`'s (of the same size).
    public func appending(_ other: LabelledImages) throws(ModelError) -> LabelledImages {
        guard other.height == height, other.width == width else { throw .badInput("images differ in size") }
        return try LabelledImages(pixels: pixels + other.pixels, labels: labels + other.labels, height: height, width: width)
    }
}
