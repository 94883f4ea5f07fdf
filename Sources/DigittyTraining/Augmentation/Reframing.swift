import DigittyVision
import DigittyEngine
/// A digit's ink box redrawn another way and framed again as the app frames a drawing (`MNISTPreprocessing`):
/// stretched to fill a square, as forms and old scanners normalise digits (optdigits' are), or resampled to a
/// few cells a side and binarised, as blocky terminal cells and low-resolution scans give them.
public enum Reframing {
    /// The low-resolution sizes training draws from (cells along the ink box's longer side).
    public static let cells: ClosedRange<Int> = 8 ... 16

    /// `image`'s ink box stretched to a square, framed again; nil without ink.
    public static func stretchedToFill(_ image: GrayImage) -> GrayImage? {
        guard let ink = inkBox(of: image) else { return nil }
        let side = MNISTPreprocessing.boxSide
        return MNISTPreprocessing.prepare(padded(AreaResampling.resize(ink, width: side, height: side), by: 4))
    }

    /// `image`'s ink box drawn at `cells` cells along its longer side (`square`: along both, stretching it) and
    /// framed again at full size. Either each cell is inked fully when it averages at least `level` ink and not at
    /// all otherwise (a blocky terminal or bitmap), or (`greyCells`) the ink is binarised at full resolution first
    /// and each cell keeps its share of ink (optdigits' 8×8 counts of a 32×32 bitmap). Nil without ink left.
    public static func atLowResolution(_ image: GrayImage, cells: Int, square: Bool = false, greyCells: Bool = false,
                                       binarisedAt level: Float) -> GrayImage? {
        guard cells >= 1, var ink = inkBox(of: image) else { return nil }
        let longer = max(ink.width, ink.height)
        let width = square ? cells : max(1, Int((Float(ink.width * cells) / Float(longer)).rounded()))
        let height = square ? cells : max(1, Int((Float(ink.height * cells) / Float(longer)).rounded()))
        if greyCells { ink.pixels = ink.pixels.map { $0 >= level ? 1 : 0 } }
        var small = AreaResampling.resize(ink, width: width, height: height)
        if !greyCells { small.pixels = small.pixels.map { $0 >= level ? 1 : 0 } }
        return MNISTPreprocessing.prepare(padded(small, by: 1))
    }

    /// `image` with `margin` background pixels around it, so that ink filling it does not read as background.
    static func padded(_ image: GrayImage, by margin: Int) -> GrayImage {
        var output = GrayImage(width: image.width + 2 * margin, height: image.height + 2 * margin)
        for y in 0 ..< image.height {
            for x in 0 ..< image.width { output.pixels[(y + margin) * output.width + x + margin] = image[x, y] }
        }
        return output
    }

    /// The pixels inside the box around `image`'s ink (pixels above zero).
    static func inkBox(of image: GrayImage) -> GrayImage? {
        guard let box = MNISTPreprocessing.boundingBox(of: image) else { return nil }
        var pixels = [Float](repeating: 0, count: box.width * box.height)
        for y in 0 ..< box.height {
            for x in 0 ..< box.width { pixels[y * box.width + x] = image[box.x + x, box.y + y] }
        }
        return GrayImage(width: box.width, height: box.height, pixels: pixels)
    }
}
