import DigittyEngine
import DigittyTestSupport
import Testing
@testable import DigittyVision

@Suite struct MNISTPreprocessingTests {
    /// Real MNIST test digits when the shared data is there, else synthetic strokes (a ring and a bar).
    static func sampleDigits(_ count: Int) -> [GrayImage] {
        if let data = SharedData.mnistTest { return (0 ..< count).map { data.image(at: $0) } }
        var ring = GrayImage(width: 28, height: 28)
        var bar = GrayImage(width: 28, height: 28)
        for y in 0 ..< 28 {
            for x in 0 ..< 28 {
                let r = ((Float(x) - 14).squared + (Float(y) - 14).squared).squareRoot()
                ring[x, y] = max(0, 1 - abs(r - 7) / 2)
                if (13 ... 14).contains(x), (4 ... 23).contains(y) { bar[x, y] = 1 }
            }
        }
        return [ring, bar]
    }

    /// `image` scaled `factor` times, placed at (left, top) on a larger canvas, optionally as dark on light grey.
    static func variant(of image: GrayImage, factor: Int, left: Int, top: Int, darkOnLight: Bool) -> GrayImage {
        let big = AreaResampling.resize(image, width: image.width * factor, height: image.height * factor)
        var canvas = GrayImage(width: big.width + left + 13, height: big.height + top + 7)
        for y in 0 ..< big.height { for x in 0 ..< big.width { canvas[left + x, top + y] = big[x, y] } }
        if darkOnLight { canvas.pixels = canvas.pixels.map { 0.92 - 0.85 * $0 } } // grey paper, dark grey ink
        return canvas
    }

    @Test(Prerequisite.mnist.trait) func realMNISTDigitsPassThroughNearlyUnchanged() throws {
        try Prerequisite.mnist.require()
        let data = try #require(SharedData.mnistTest)
        // Measured on the first 1,000 test digits: median mean-absolute difference 0.00016, 95th percentile
        // 0.00074, worst 0.11; centre of mass moves by 0.003 px (median), worst 1.0; bounding boxes all within 1 px.
        let n = 1000
        var closePixels = 0, closeCentre = 0, closeBox = 0
        for i in 0 ..< n {
            let original = data.image(at: i)
            let prepared = try #require(MNISTPreprocessing.prepare(original))
            if Ink.meanAbsoluteDifference(original, prepared) < 0.005 { closePixels += 1 }
            let a = try #require(Ink.centreOfMass(original)), b = try #require(Ink.centreOfMass(prepared))
            if abs(a.x - b.x) <= 0.5 && abs(a.y - b.y) <= 0.5 { closeCentre += 1 }
            let p = try #require(Ink.box(original)), q = try #require(Ink.box(prepared))
            if [p.x0 - q.x0, p.y0 - q.y0, p.x1 - q.x1, p.y1 - q.y1].allSatisfy({ abs($0) <= 1 }) { closeBox += 1 }
        }
        #expect(closePixels >= 980, "\(closePixels) of \(n) within 0.005 mean absolute difference")
        #expect(closeCentre >= 990, "\(closeCentre) of \(n) with the centre of mass within 0.5 px")
        #expect(closeBox >= 990, "\(closeBox) of \(n) with the bounding box within 1 px")
    }

    @Test func scaledShiftedAndInvertedDigitsComeOutLikeTheOriginal() throws {
        var worst: Float = 0
        for digit in Self.sampleDigits(50) {
            let reference = try #require(MNISTPreprocessing.prepare(digit))
            for (factor, left, top, dark) in [(1, 40, 3, true), (3, 5, 60, false), (5, 17, 2, true), (8, 0, 0, true)] {
                let variant = Self.variant(of: digit, factor: factor, left: left, top: top, darkOnLight: dark)
                let prepared = try #require(MNISTPreprocessing.prepare(variant))
                worst = max(worst, Ink.meanAbsoluteDifference(reference, prepared))
                let a = try #require(Ink.centreOfMass(prepared))
                #expect(abs(a.x - 14) <= 0.5 && abs(a.y - 14) <= 0.5, "centre of mass \(a)")
            }
        }
        #expect(worst < 0.03, "worst mean absolute difference \(worst)")
    }

    @Test func outputIsFramedLikeMNIST() throws {
        // A dark 300×90 horizontal stroke on white: the longer side becomes 20 px, centred.
        var image = GrayImage(width: 500, height: 400, pixels: [Float](repeating: 1, count: 500 * 400))
        for y in 200 ..< 290 { for x in 50 ..< 350 { image[x, y] = 0 } }
        let prepared = try #require(MNISTPreprocessing.prepare(image))
        #expect(prepared.width == 28 && prepared.height == 28)
        let box = try #require(Ink.box(prepared, threshold: 0.5))
        #expect(box.x1 - box.x0 + 1 == 20 && box.y1 - box.y0 + 1 == 6)
        #expect((4 ... 5).contains(box.x0) && (11 ... 12).contains(box.y0)) // centre of mass 9.5, 2.5 → 14, 14
        #expect(prepared.pixels.allSatisfy { (0 ... 1).contains($0) })
    }

    @Test func specksAndPaperNoiseAreIgnored() throws {
        // Specks alone change nothing measurable; noise can lift a faint edge pixel over the ink threshold and
        // move a thin digit's box by a pixel (measured worst 0.039 on the first 20 test digits, mean 0.003).
        var differences: [Float] = []
        for digit in Self.sampleDigits(20) {
            let reference = try #require(MNISTPreprocessing.prepare(digit))
            var noisy = Self.variant(of: digit, factor: 2, left: 30, top: 30, darkOnLight: false)
            noisy[2, 2] = 1                      // a speck far away
            noisy[noisy.width - 3, 5] = 0.8
            var random = SeededRandom(seed: 7)
            for i in noisy.pixels.indices { noisy.pixels[i] = min(1, noisy.pixels[i] + 0.03 * random.nextUnit()) }
            let prepared = try #require(MNISTPreprocessing.prepare(noisy))
            differences.append(Ink.meanAbsoluteDifference(reference, prepared))
        }
        #expect(differences.allSatisfy { $0 < 0.05 }, "\(differences)")
        #expect(differences.reduce(0, +) / Float(differences.count) < 0.01)
    }

    @Test func emptyImagesAreNil() {
        var random = SeededRandom(seed: 1)
        let faintNoise = GrayImage(width: 40, height: 30, pixels: (0 ..< 1200).map { _ in 0.9 + 0.1 * random.nextUnit() })
        for image in [GrayImage(width: 28, height: 28), GrayImage(width: 0, height: 0),
                      GrayImage(width: 9, height: 9, pixels: [Float](repeating: 1, count: 81)),
                      GrayImage(width: 5, height: 5, pixels: [Float](repeating: 0.5, count: 25)), faintNoise] {
            #expect(MNISTPreprocessing.prepare(image) == nil, "\(image.width)×\(image.height)")
        }
    }

    @Test func tinyAndThinInputsStayInside() throws {
        var dot = GrayImage(width: 1, height: 1, pixels: [0])
        #expect(MNISTPreprocessing.prepare(dot) == nil) // one dark pixel is its own border: nothing to contrast with
        dot = GrayImage(width: 3, height: 3)
        dot[1, 1] = 1
        let prepared = try #require(MNISTPreprocessing.prepare(dot))
        #expect(Ink.box(prepared).map { $0.x1 - $0.x0 + 1 } == 20) // upscaled to fill the 20 px box
        var corner = GrayImage(width: 60, height: 60)
        for x in 0 ..< 60 { corner[x, 0] = 1 } // ink along one edge, one pixel thin
        let line = try #require(MNISTPreprocessing.prepare(corner))
        #expect(line.pixels.reduce(0, +) > 10)
    }

    /// A digit cropped tightly, or stretched to fill its picture as forms and old scanners do, has ink along much
    /// of its border. That ink is not background: the picture reads exactly as it does with a margin around it.
    @Test func inkAlongMostOfTheBorderIsNotTakenForBackground() throws {
        // An 8×8 "4" in optdigits' grey levels (0…16): 17 of its 28 border cells are ink, their median 4/16.
        let levels: [Float] = [4, 16, 0, 0, 0, 0, 16, 4,
                               8, 16, 0, 0, 0, 0, 16, 8,
                               8, 16, 0, 0, 0, 0, 16, 8,
                               6, 16, 12, 12, 12, 12, 16, 6,
                               2, 8, 8, 8, 8, 8, 16, 6,
                               0, 0, 0, 0, 0, 0, 16, 6,
                               0, 0, 0, 0, 0, 0, 16, 6,
                               0, 0, 0, 0, 0, 2, 16, 4]
        let tight = GrayImage(width: 8, height: 8, pixels: levels.map { $0 / 16 })
        var margin = GrayImage(width: 12, height: 12)
        for y in 0 ..< 8 { for x in 0 ..< 8 { margin[x + 2, y + 2] = tight[x, y] } }
        let border = (0 ..< 8).flatMap { [tight[$0, 0], tight[$0, 7]] } + (1 ..< 7).flatMap { [tight[0, $0], tight[7, $0]] }
        #expect(border.sorted()[border.count / 2] == 0.25)  // the case: the border's median pixel is ink
        #expect(MNISTPreprocessing.background(of: tight) == (level: 0, inverted: false))
        #expect(try #require(MNISTPreprocessing.prepare(tight)) == MNISTPreprocessing.prepare(margin))
    }
}

private extension Float {
    var squared: Float { self * self }
}

@Suite struct MNISTFramingTests {
    @Test func theFramingSaysWhereTheInkWentWithoutChangingTheImage() throws {
        var image = GrayImage(width: 28, height: 28)
        image.stroke(fromX: 5, y0: 3, toX: 5, y1: 13, brush: .pen)  // a short stroke, scaled up
        let (prepared, framing) = try #require(MNISTPreprocessing.prepareWithFraming(image))
        #expect(prepared == MNISTPreprocessing.prepare(image))
        let frame = try #require(framing)
        #expect(frame.height == MNISTPreprocessing.boxSide && frame.scaleY > 1)
        // The ink's box lands on the rectangle, so the prepared image has ink exactly there.
        for y in 0..<28 {
            for x in 0..<28 where prepared[x, y] > 0 {
                #expect(x >= frame.left && x < frame.left + frame.width && y >= frame.top && y < frame.top + frame.height)
            }
        }
        // Pulling back a map of ones gives 1 on the box and 0 outside it; a map that is 1 on one output pixel
        // shows on the image pixel over it.
        #expect(frame.pullBack([Float](repeating: 1, count: 784), x: frame.boxX, y: frame.boxY) == 1)
        #expect(frame.pullBack([Float](repeating: 1, count: 784), x: frame.boxX + frame.boxWidth, y: frame.boxY) == 0)
        var one = [Float](repeating: 0, count: 784)
        one[(frame.top + 1) * 28 + frame.left + 1] = 1
        let x = frame.boxX + Int(1.5 / frame.scaleX), y = frame.boxY + Int(1.5 / frame.scaleY)
        #expect(frame.pullBack(one, x: x, y: y) > 0)
        #expect(frame.pullBack(one, x: frame.boxX + frame.boxWidth - 1, y: frame.boxY + frame.boxHeight - 1) == 0)
    }

    @Test func imagesShrunkFirstHaveNoFraming() throws {
        var image = GrayImage(width: 600, height: 600)
        image.stroke(fromX: 300, y0: 100, toX: 300, y1: 500, brush: Brush(innerRadius: 20, outerRadius: 30))
        let result = try #require(MNISTPreprocessing.prepareWithFraming(image))
        #expect(result.framing == nil && result.image == MNISTPreprocessing.prepare(image))
    }
}
