import DigittyVision

// The MNIST-style preprocessing as first written: plain Swift arrays, every access bounds-checked. The fast
// implementation in Sources/DigittyVision/Preprocessing must give exactly the same images (bit for bit), which
// `PreprocessingReferenceTests` checks on real and synthetic digits.

/// Turns any picture of a single digit into a 28×28 image framed the way MNIST's digits are, so that models
/// trained on MNIST see what they expect: white ink on black, the ink's bounding box scaled so its longer side
/// is 20 pixels (aspect ratio kept, grey levels by area averaging), and its centre of mass at pixel (14, 14).
enum ReferencePreprocessing {
    /// The output's width and height.
    static let side = 28
    /// The longer side of the ink's bounding box in the output.
    static let boxSide = 20
    /// Images whose strongest ink is fainter than this above the background are empty.
    static let minimumContrast: Float = 0.15

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
    static func prepare(_ image: GrayImage) -> GrayImage? {
        guard image.width > 0, image.height > 0 else { return nil }
        var working = image
        let longer = max(image.width, image.height)
        if longer > workingSide {
            working = ReferenceResampling.resize(image,
                                            width: max(1, image.width * workingSide / longer),
                                            height: max(1, image.height * workingSide / longer))
        }
        guard var ink = inkMap(of: working) else { return nil }
        ReferenceInkCleaning.removeNoise(from: &ink, faint: faintInk, strong: strongInk, speckShare: speckShare)
        guard let box = boundingBox(of: ink) else { return nil }
        return frame(ink, box: box)
    }

    /// Ink strength 0…1 (ink = 1) with the background level removed and the strongest ink stretched to 1;
    /// nil when there is no ink to speak of.
    static func inkMap(of image: GrayImage) -> GrayImage? {
        // The border's median gives the polarity, its quartile on the background's side the background level.
        let border = borderPixels(of: image).sorted()
        var pixels = image.pixels
        var background = border[border.count / 4]
        if border[border.count / 2] > 0.5 {
            for i in pixels.indices { pixels[i] = 1 - pixels[i] }
            background = 1 - border[border.count - 1 - border.count / 4]
        }
        var strongest: Float = 0
        for i in pixels.indices {
            let value = max(0, pixels[i] - background)
            pixels[i] = value
            strongest = max(strongest, value)
        }
        guard strongest >= minimumContrast else { return nil }
        let scale = 1 / strongest
        for i in pixels.indices { pixels[i] = min(1, pixels[i] * scale) }
        return GrayImage(width: image.width, height: image.height, pixels: pixels)
    }

    /// The pixels along the image's four edges (all of them for images two pixels thin).
    static func borderPixels(of image: GrayImage) -> [Float] {
        let (w, h) = (image.width, image.height)
        if w <= 2 || h <= 2 { return image.pixels }
        var border = Array(image.pixels[0 ..< w]) + Array(image.pixels[(h - 1) * w ..< h * w])
        for y in 1 ..< h - 1 {
            border.append(image.pixels[y * w])
            border.append(image.pixels[y * w + w - 1])
        }
        return border
    }

    /// The smallest rectangle (x, y, width, height) holding every non-zero pixel, or nil if there is none.
    static func boundingBox(of image: GrayImage) -> (x: Int, y: Int, width: Int, height: Int)? {
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
        for y in 0 ..< image.height {
            for x in 0 ..< image.width where image.pixels[y * image.width + x] > 0 {
                minX = min(minX, x); maxX = max(maxX, x)
                minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        return maxX < 0 ? nil : (minX, minY, maxX - minX + 1, maxY - minY + 1)
    }

    /// Crops `ink` to `box`, scales it to fit `boxSide` and pastes it into the 28×28 frame at its centre of mass.
    static func frame(_ ink: GrayImage, box: (x: Int, y: Int, width: Int, height: Int)) -> GrayImage? {
        var cropped = [Float]()
        cropped.reserveCapacity(box.width * box.height)
        for y in box.y ..< box.y + box.height {
            cropped.append(contentsOf: ink.pixels[y * ink.width + box.x ..< y * ink.width + box.x + box.width])
        }
        let longer = max(box.width, box.height)
        let width = max(1, Int((Double(box.width * boxSide) / Double(longer)).rounded()))
        let height = max(1, Int((Double(box.height * boxSide) / Double(longer)).rounded()))
        let scaled = ReferenceResampling.resize(GrayImage(width: box.width, height: box.height, pixels: cropped),
                                           width: width, height: height)

        var mass: Float = 0, sumX: Float = 0, sumY: Float = 0
        for y in 0 ..< height {
            for x in 0 ..< width {
                let value = scaled.pixels[y * width + x]
                mass += value
                sumX += value * Float(x)
                sumY += value * Float(y)
            }
        }
        guard mass > 0 else { return nil }
        let centre = Float(side / 2)
        let left = min(max(Int((centre - sumX / mass).rounded()), 0), side - width)
        let top = min(max(Int((centre - sumY / mass).rounded()), 0), side - height)

        var output = GrayImage(width: side, height: side)
        for y in 0 ..< height {
            for x in 0 ..< width { output.pixels[(top + y) * side + left + x] = scaled.pixels[y * width + x] }
        }
        return output
    }
}

/// Removing background noise from an ink map (ink = 1) while keeping the soft edges of real strokes.
enum ReferenceInkCleaning {
    /// Zeroes every pixel not in a blob worth keeping. Blobs are 8-connected regions of pixels above `faint`;
    /// a blob is kept if some pixel in it reaches `strong` (hysteresis, as in edge detection) and it holds at
    /// least `speckShare` of the ink of all such blobs.
    static func removeNoise(from ink: inout GrayImage, faint: Float, strong: Float, speckShare: Float) {
        let (w, h) = (ink.width, ink.height)
        guard w > 0, h > 0 else { return }
        var label = [Int32](repeating: -1, count: w * h) // -1: not visited
        var blobs: [(mass: Float, strong: Bool)] = []
        var stack: [Int] = []
        // Through buffer pointers: this runs on every prediction the server makes.
        ink.pixels.withUnsafeMutableBufferPointer { pixels in
            label.withUnsafeMutableBufferPointer { label in
                for start in 0 ..< w * h where label[start] == -1 && pixels[start] > faint {
                    let id = Int32(blobs.count)
                    var blob: (mass: Float, strong: Bool) = (0, false)
                    label[start] = id
                    stack.append(start)
                    while let index = stack.popLast() {
                        let value = pixels[index]
                        blob.mass += value
                        blob.strong = blob.strong || value >= strong
                        let (x, y) = (index % w, index / w)
                        for ny in max(0, y - 1) ... min(h - 1, y + 1) {
                            for nx in max(0, x - 1) ... min(w - 1, x + 1) {
                                let neighbour = ny * w + nx
                                if label[neighbour] == -1 && pixels[neighbour] > faint {
                                    label[neighbour] = id
                                    stack.append(neighbour)
                                }
                            }
                        }
                    }
                    blobs.append(blob)
                }
                let total = blobs.reduce(Float(0)) { $0 + ($1.strong ? $1.mass : 0) }
                let keep = blobs.map { $0.strong && $0.mass >= speckShare * total }
                for i in 0 ..< w * h {
                    let id = label[i]
                    if id < 0 || !keep[Int(id)] { pixels[i] = 0 }
                }
            }
        }
    }
}

/// Resizing grey images by area averaging: each output pixel is the mean of the input area it covers, with
/// partly covered input pixels weighted by the covered fraction. Works for shrinking and enlarging.
enum ReferenceResampling {
    /// `image` resized to `width × height` (both ≥ 1).
    static func resize(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        precondition(width >= 1 && height >= 1 && image.width >= 1 && image.height >= 1, "resizing needs non-empty sizes")
        // Separable: rows first, then columns; a box filter is exact done this way.
        let horizontal = Weights(from: image.width, to: width)
        let vertical = Weights(from: image.height, to: height)
        var rows = [Float](repeating: 0, count: width * image.height)
        var pixels = [Float](repeating: 0, count: width * height)
        // Through buffer pointers: this runs on every prediction the server makes.
        image.pixels.withUnsafeBufferPointer { input in
            rows.withUnsafeMutableBufferPointer { rows in
                for y in 0 ..< image.height {
                    let base = y * image.width
                    for x in 0 ..< width {
                        var sum: Float = 0
                        for term in horizontal.terms(of: x) { sum += input[base + horizontal.sources[term]] * horizontal.weights[term] }
                        rows[y * width + x] = sum
                    }
                }
                pixels.withUnsafeMutableBufferPointer { pixels in
                    for y in 0 ..< height {
                        for term in vertical.terms(of: y) {
                            let from = vertical.sources[term] * width, weight = vertical.weights[term]
                            for x in 0 ..< width { pixels[y * width + x] += rows[from + x] * weight }
                        }
                    }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// For each of `outputs` cells, the input cells it overlaps and the overlap as a fraction of its size, in
    /// flat arrays: cell `c`'s terms are `terms(of: c)`.
    struct Weights {
        private(set) var sources: [Int] = []
        private(set) var weights: [Float] = []
        private var firstTerms: [Int] = [0]

        init(from inputs: Int, to outputs: Int) {
            let ratio = Double(inputs) / Double(outputs)
            for cell in 0 ..< outputs {
                let start = Double(cell) * ratio
                let end = Double(cell + 1) * ratio
                var source = Int(start)
                while source < inputs, Double(source) < end {
                    let overlap = min(end, Double(source + 1)) - max(start, Double(source))
                    if overlap > 1e-9 {
                        sources.append(source)
                        weights.append(Float(overlap / ratio))
                    }
                    source += 1
                }
                firstTerms.append(sources.count)
            }
        }

        /// The indices into `sources` and `weights` of output cell `cell`'s terms.
        func terms(of cell: Int) -> Range<Int> { firstTerms[cell] ..< firstTerms[cell + 1] }
    }
}
