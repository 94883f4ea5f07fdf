/// Turns any picture of a single digit into a 28×28 image framed the way MNIST's digits are, so that models
/// trained on MNIST see what they expect: white ink on black, the ink's bounding box scaled so its longer side
/// is 20 pixels (aspect ratio kept, grey levels by area averaging), and its centre of mass at pixel (14, 14).
public enum MNISTPreprocessing {
    /// The output's width and height.
    public static let side = 28
    /// The longer side of the ink's bounding box in the output.
    public static let boxSide = 20
    /// Images whose strongest ink is fainter than this above the background are empty.
    public static let minimumContrast: Float = 0.15

    /// Ink weaker than this (after stretching the strongest ink to 1) is background noise.
    static let faintInk: Float = 0.04
    /// A blob of ink must reach this somewhere to count as a stroke, not noise.
    static let strongInk: Float = 0.3
    /// Blobs with less than this share of all the ink are specks and are removed.
    static let speckShare: Float = 0.02
    /// Larger inputs are first shrunk (area averaging) so that their longer side is at most this.
    static let workingSide = 560

    /// The image prepared for an MNIST model, or nil if it holds no ink. The input may be any size and either
    /// polarity: dark ink on a light background (paper, scans) is detected from the border and inverted.
    public static func prepare(_ image: GrayImage) -> GrayImage? {
        prepareWithFraming(image)?.image
    }

    /// Where the preprocessing put the ink: the ink's box in the given image, and the rectangle of the 28×28
    /// output it was scaled into. Pixel (x, y) of the given image covers the output rectangle
    /// `left + (x − box.x) · scaleX … + scaleX` (and alike for y), so a map on the output grid can be carried
    /// back to the image (the terminal app's "why" overlay does that).
    public struct Framing: Sendable, Equatable {
        /// The ink's bounding box in the given image's pixels.
        public var boxX, boxY, boxWidth, boxHeight: Int
        /// The scaled ink's place and size in the output.
        public var left, top, width, height: Int

        /// Output pixels per image pixel, across and down.
        public var scaleX: Float { Float(width) / Float(boxWidth) }
        public var scaleY: Float { Float(height) / Float(boxHeight) }

        /// The mean of `map` (one value per output pixel, row-major) over the area that image pixel (x, y) became,
        /// weighted by overlap; 0 for pixels outside the ink's box.
        public func pullBack(_ map: [Float], x: Int, y: Int) -> Float {
            guard x >= boxX, y >= boxY, x < boxX + boxWidth, y < boxY + boxHeight, map.count == side * side else { return 0 }
            let u0 = Float(left) + Float(x - boxX) * scaleX, u1 = u0 + scaleX
            let v0 = Float(top) + Float(y - boxY) * scaleY, v1 = v0 + scaleY
            var sum: Float = 0, area: Float = 0
            for v in max(0, Int(v0.rounded(.down)))..<min(side, Int(v1.rounded(.up))) {
                let overlapY = min(v1, Float(v + 1)) - max(v0, Float(v))
                guard overlapY > 0 else { continue }
                for u in max(0, Int(u0.rounded(.down)))..<min(side, Int(u1.rounded(.up))) {
                    let overlap = (min(u1, Float(u + 1)) - max(u0, Float(u))) * overlapY
                    guard overlap > 0 else { continue }
                    sum += overlap * map[v * side + u]
                    area += overlap
                }
            }
            return area > 0 ? sum / area : 0
        }
    }

    /// `prepare`, with where the ink went (for images up to `workingSide`; larger ones are shrunk first and
    /// give no framing in their own pixels, so they return nil framing).
    public static func prepareWithFraming(_ image: GrayImage) -> (image: GrayImage, framing: Framing?)? {
        guard image.width > 0, image.height > 0 else { return nil }
        var working = image
        let longer = max(image.width, image.height)
        if longer > workingSide {
            working = AreaResampling.resize(image,
                                            width: max(1, image.width * workingSide / longer),
                                            height: max(1, image.height * workingSide / longer))
        }
        guard var ink = inkMap(of: working) else { return nil }
        InkCleaning.removeNoise(from: &ink, faint: faintInk, strong: strongInk, speckShare: speckShare)
        guard let box = boundingBox(of: ink), let (framed, place) = frame(ink, box: box) else { return nil }
        let framing = working.width == image.width && working.height == image.height
            ? Framing(boxX: box.x, boxY: box.y, boxWidth: box.width, boxHeight: box.height,
                      left: place.left, top: place.top, width: place.width, height: place.height)
            : nil
        return (framed, framing)
    }

    /// Ink strength 0…1 (ink = 1) with the background level removed and the strongest ink stretched to 1;
    /// nil when there is no ink to speak of.
    static func inkMap(of image: GrayImage) -> GrayImage? {
        let (background, inverted) = background(of: image)
        var pixels = image.pixels
        // Through buffer pointers: this runs on every prediction the server makes.
        let strongest = pixels.withUnsafeMutableBufferPointer { pixels in
            var strongest: Float = 0
            for i in pixels.indices {
                let value = max(0, (inverted ? 1 - pixels[i] : pixels[i]) - background)
                pixels[i] = value
                strongest = max(strongest, value)
            }
            return strongest
        }
        guard strongest >= minimumContrast else { return nil }
        let scale = 1 / strongest
        pixels.withUnsafeMutableBufferPointer { pixels in
            for i in pixels.indices { pixels[i] = min(1, pixels[i] * scale) }
        }
        return GrayImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// The background, read from the pixels along the image's four edges (all of them for images two pixels thin):
    /// their median gives the polarity (dark ink on light above ½), and their quartile on the background's side
    /// gives its level in ink terms. The quartile, not the median: up to three quarters of the border may be ink,
    /// as when a digit is cropped tightly or stretched to fill its picture, before that ink is taken for background
    /// and the faint cells of every stroke are erased with it.
    static func background(of image: GrayImage) -> (level: Float, inverted: Bool) {
        let (w, h) = (image.width, image.height)
        let count = w <= 2 || h <= 2 ? w * h : 2 * w + 2 * (h - 2)
        guard count > 0 else { return (0, false) }
        return image.pixels.withUnsafeBufferPointer { pixels in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
                var border = buffer
                if w <= 2 || h <= 2 {
                    _ = border.initialize(from: pixels)
                } else {
                    var next = 0
                    func add(_ value: Float) { border.initializeElement(at: next, to: value); next += 1 }
                    for x in 0 ..< w { add(pixels[x]) }
                    for x in 0 ..< w { add(pixels[(h - 1) * w + x]) }
                    for y in 1 ..< h - 1 { add(pixels[y * w]); add(pixels[y * w + w - 1]) }
                }
                border.sort()
                let inverted = border[count / 2] > 0.5
                return inverted ? (1 - border[count - 1 - count / 4], true) : (border[count / 4], false)
            }
        }
    }

    /// The smallest rectangle (x, y, width, height) holding every non-zero pixel, or nil if there is none.
    package static func boundingBox(of image: GrayImage) -> (x: Int, y: Int, width: Int, height: Int)? {
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
        let w = image.width
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0 ..< image.height {
                let row = UnsafeBufferPointer(rebasing: pixels[y * w ..< y * w + w])
                guard let first = row.firstIndex(where: { $0 > 0 }) else { continue }
                let last = row.lastIndex(where: { $0 > 0 })!
                minX = min(minX, first); maxX = max(maxX, last)
                minY = min(minY, y); maxY = y
            }
        }
        return maxX < 0 ? nil : (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }

    /// Crops `ink` to `box`, scales it to fit `boxSide` and pastes it into the 28×28 frame at its centre of mass;
    /// also gives the rectangle it was pasted into.
    static func frame(_ ink: GrayImage, box: (x: Int, y: Int, width: Int, height: Int))
        -> (GrayImage, (left: Int, top: Int, width: Int, height: Int))? {
        var cropped = [Float](repeating: 0, count: box.width * box.height)
        ink.pixels.withUnsafeBufferPointer { pixels in
            cropped.withUnsafeMutableBufferPointer { cropped in
                for y in 0 ..< box.height {
                    let from = (box.y + y) * ink.width + box.x
                    for x in 0 ..< box.width { cropped[y * box.width + x] = pixels[from + x] }
                }
            }
        }
        let longer = max(box.width, box.height)
        let width = max(1, Int((Double(box.width * boxSide) / Double(longer)).rounded()))
        let height = max(1, Int((Double(box.height * boxSide) / Double(longer)).rounded()))
        let scaled = AreaResampling.resize(GrayImage(width: box.width, height: box.height, pixels: cropped),
                                           width: width, height: height)

        var mass: Float = 0, sumX: Float = 0, sumY: Float = 0
        scaled.pixels.withUnsafeBufferPointer { scaled in
            for y in 0 ..< height {
                for x in 0 ..< width {
                    let value = scaled[y * width + x]
                    mass += value
                    sumX += value * Float(x)
                    sumY += value * Float(y)
                }
            }
        }
        guard mass > 0 else { return nil }
        let centre = Float(side / 2)
        let left = min(max(Int((centre - sumX / mass).rounded()), 0), side - width)
        let top = min(max(Int((centre - sumY / mass).rounded()), 0), side - height)

        var output = GrayImage(width: side, height: side)
        scaled.pixels.withUnsafeBufferPointer { scaled in
            output.pixels.withUnsafeMutableBufferPointer { output in
                for y in 0 ..< height {
                    for x in 0 ..< width { output[(top + y) * side + left + x] = scaled[y * width + x] }
                }
            }
        }
        return (output, (left, top, width, height))
    }
}
