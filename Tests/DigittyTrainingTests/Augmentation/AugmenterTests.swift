import DigittyEngine
import DigittyTestSupport
@testable import DigittyTraining
import Foundation
import Testing
@testable import DigittyVision

@Suite struct AugmenterTests {
    /// A digit-like test image: MNIST's first test digit, or a synthetic off-centre blob.
    static let digit: GrayImage = SharedData.mnistTest?.image(at: 0) ?? {
        var image = GrayImage(width: 28, height: 28)
        for y in 6 ..< 20 { for x in 9 ..< 17 { image[x, y] = Float((x * 7 + y * 3) % 10) / 9 } }
        return image
    }()

    static func apply(_ transform: Augmenter.Transform, to image: GrayImage, augmenter: Augmenter = Augmenter(settings: .none)) -> GrayImage {
        var output = GrayImage(width: image.width, height: image.height)
        image.pixels.withUnsafeBufferPointer { source in
            output.pixels.withUnsafeMutableBufferPointer { augmenter.apply(transform, to: source, into: $0) }
        }
        return output
    }

    /// The transform written out plainly in Double: rotate, scale and shift about the centre, bilinear, clamped.
    static func reference(_ t: Augmenter.Transform, _ image: GrayImage) -> GrayImage {
        var output = GrayImage(width: image.width, height: image.height)
        let cx = Double(image.width - 1) / 2, cy = Double(image.height - 1) / 2
        let theta = Double(t.rotation) * .pi / 180
        for y in 0 ..< image.height {
            for x in 0 ..< image.width {
                let dx = (Double(x) - cx - Double(t.shiftX)) / Double(t.scale)
                let dy = (Double(y) - cy - Double(t.shiftY)) / Double(t.scale)
                let u = min(max(cx + cos(theta) * dx - sin(theta) * dy, 0), Double(image.width - 1))
                let v = min(max(cy + sin(theta) * dx + cos(theta) * dy, 0), Double(image.height - 1))
                let (x0, y0) = (Int(u.rounded(.down)), Int(v.rounded(.down)))
                let (x1, y1) = (min(x0 + 1, image.width - 1), min(y0 + 1, image.height - 1))
                let (fx, fy) = (u - Double(x0), v - Double(y0))
                func p(_ x: Int, _ y: Int) -> Double { Double(image[x, y]) }
                let value = (p(x0, y0) * (1 - fx) + p(x1, y0) * fx) * (1 - fy) + (p(x0, y1) * (1 - fx) + p(x1, y1) * fx) * fy
                output[x, y] = Float(value)
            }
        }
        return output
    }

    static func maxDifference(_ a: GrayImage, _ b: GrayImage) -> Float {
        zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func zeroTransformIsTheIdentity() {
        #expect(Self.apply(.identity, to: Self.digit) == Self.digit)
        var random = SeededRandom(seed: 3)
        #expect(Augmenter(settings: .none).augment(Self.digit, using: &random) == Self.digit)
    }

    @Test func quarterTurnsAreExact() {
        let turned = Self.apply(Augmenter.Transform(rotation: 90), to: Self.digit)
        for y in 0 ..< 28 { for x in 0 ..< 28 { #expect(turned[x, y] == Self.digit[27 - y, x]) } }
        var image = Self.digit
        for _ in 0 ..< 4 { image = Self.apply(Augmenter.Transform(rotation: 90), to: image) }
        #expect(image == Self.digit)
        let half = Self.apply(Augmenter.Transform(rotation: -180), to: Self.digit)
        for y in 0 ..< 28 { for x in 0 ..< 28 { #expect(half[x, y] == Self.digit[27 - x, 27 - y]) } }
    }

    @Test func matchesThePlainReferenceForAnyTransform() {
        var random = SeededRandom(seed: 11)
        let augmenter = Augmenter(settings: AugmentationSettings(rotation: 45, widthShift: 0.2, heightShift: 0.2, zoom: 0.3))
        for _ in 0 ..< 50 {
            let t = augmenter.randomTransform(using: &random)
            let difference = Self.maxDifference(Self.apply(t, to: Self.digit), Self.reference(t, Self.digit))
            #expect(difference < 1e-4, "\(t): \(difference)")
        }
    }

    @Test func shiftsMoveTheCentreOfMass() throws {
        let before = try #require(Ink.centreOfMass(Self.digit))
        for (dx, dy) in [(Float(3), Float(-2)), (-1.5, -2.5), (2.5, 1), (0.25, 0)] { // the ink stays inside
            let shifted = Self.apply(Augmenter.Transform(shiftX: dx, shiftY: dy), to: Self.digit)
            let after = try #require(Ink.centreOfMass(shifted))
            #expect(abs(after.x - before.x - dx) < 0.02 && abs(after.y - before.y - dy) < 0.02, "\(dx), \(dy) → \(after)")
        }
        let moved = Self.apply(Augmenter.Transform(shiftX: 3, shiftY: -2), to: Self.digit)
        for y in 2 ..< 26 { for x in 3 ..< 28 { #expect(moved[x, y - 2] == Self.digit[x - 3, y]) } }
    }

    @Test func fillIsNearest() {
        var image = GrayImage(width: 28, height: 28)
        for y in 0 ..< 28 { image[0, y] = 1 } // ink along the left edge
        let shifted = Self.apply(Augmenter.Transform(shiftX: 4), to: image)
        for y in 0 ..< 28 {
            for x in 0 ..< 5 { #expect(shifted[x, y] == 1) }
            #expect(shifted[5, y] == 0)
        }
    }

    @Test func randomTransformsStayInRangeAndUseIt() {
        let augmenter = Augmenter(settings: AugmentationSettings(rotation: 12, widthShift: 0.1, heightShift: 0.1))
        var random = SeededRandom(seed: 5)
        let transforms = (0 ..< 2000).map { _ in augmenter.randomTransform(using: &random) }
        #expect(transforms.allSatisfy { abs($0.rotation) <= 12 && abs($0.shiftX) <= 2.8 && abs($0.shiftY) <= 2.8 && $0.scale == 1 })
        #expect(transforms.map(\.rotation).max()! > 11.5 && transforms.map(\.rotation).min()! < -11.5)
        #expect(transforms.map(\.shiftX).max()! > 2.6 && transforms.map(\.shiftY).min()! < -2.6)
    }

    @Test func sameSeedSameImages() {
        let settings = AugmentationSettings(rotation: 12, zoom: 0.1, elasticAlpha: 34, elasticSigma: 4)
        let augmenter = Augmenter(settings: settings)
        var first = SeededRandom(seed: 42), second = SeededRandom(seed: 42), other = SeededRandom(seed: 43)
        let a = (0 ..< 5).map { _ in augmenter.augment(Self.digit, using: &first) }
        let b = (0 ..< 5).map { _ in augmenter.augment(Self.digit, using: &second) }
        let c = (0 ..< 5).map { _ in augmenter.augment(Self.digit, using: &other) }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func bytesAndFloatsGiveTheSameImage() {
        let augmenter = Augmenter(settings: AugmentationSettings(rotation: 10))
        let bytes = Self.digit.bytes
        var fromBytes = [Float](repeating: 0, count: 784)
        var random = SeededRandom(seed: 8)
        bytes.withUnsafeBufferPointer { source in
            fromBytes.withUnsafeMutableBufferPointer { augmenter.augment(source, into: $0, using: &random) }
        }
        random = SeededRandom(seed: 8)
        let fromFloats = augmenter.augment(GrayImage(width: 28, height: 28, bytes: bytes), using: &random)
        #expect(zip(fromBytes, fromFloats.pixels).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func elasticDistortionIsSmoothAndModest() throws {
        let augmenter = Augmenter(settings: AugmentationSettings(widthShift: 0, heightShift: 0, elasticAlpha: 34, elasticSigma: 4))
        var random = SeededRandom(seed: 9)
        let field = augmenter.elasticField(using: &random)
        let largest = field.map(abs).max()!
        #expect(largest > 0.5 && largest < 8, "largest displacement \(largest)")
        // Smooth: neighbouring displacements differ far less than the displacements themselves.
        let step = (0 ..< 27).map { abs(field[2 * $0] - field[2 * ($0 + 1)]) }.max()!
        #expect(step < largest / 3)
        #expect(augmenter.augment(Self.digit, using: &random) != Self.digit)
        // A feeble field leaves the image almost as the plain transform would.
        let feeble = Augmenter(settings: AugmentationSettings(widthShift: 0, heightShift: 0, elasticAlpha: 0.01))
        #expect(Self.maxDifference(feeble.augment(Self.digit, using: &random), Self.digit) < 0.01)
        #expect(Augmenter.gaussianKernel(sigma: 4).reduce(0, +) > 0.9999)
    }

    /// The trainer's entry point: bytes in, floats out, everything drawn from the seed.
    static func augment(_ augmenter: Augmenter, _ bytes: [UInt8], width: Int = 28, height: Int = 28,
                        seed: UInt64) -> [Float] {
        var output = [Float](repeating: -1, count: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer {
                augmenter.augment(source.baseAddress!, height: height, width: width, into: $0.baseAddress!, seed: seed)
            }
        }
        return output
    }

    @Test func seededAugmentationIsReproducibleAndVaries() {
        let augmenter: any ImageAugmentation = Augmenter(settings: AugmentationSettings(rotation: 12, zoom: 0.1, elasticAlpha: 34))
        let bytes = Self.digit.bytes, plain = Augmenter(settings: augmenter.settings)
        #expect(Self.augment(plain, bytes, seed: 7) == Self.augment(plain, bytes, seed: 7))
        #expect(Self.augment(plain, bytes, seed: 7) != Self.augment(plain, bytes, seed: 8))
        #expect(Self.augment(plain, bytes, seed: 7).allSatisfy { $0 >= 0 && $0 <= 1 })
        var random = SeededRandom(seed: 7)
        let viaImage = plain.augment(GrayImage(width: 28, height: 28, bytes: bytes), using: &random).pixels
        #expect(zip(Self.augment(plain, bytes, seed: 7), viaImage).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(Self.augment(Augmenter(settings: .none), bytes, seed: 3) == bytes.map { Float($0) * (1 / 255) })
    }

    @Test func seededAugmentationTakesImagesOfAnySize() {
        let bytes = (0 ..< 12 * 9).map { UInt8(($0 * 37) % 256) }
        let small = Self.augment(Augmenter(settings: .original(rotation: 6)), bytes, width: 12, height: 9, seed: 2)
        let direct = Self.augment(Augmenter(settings: .original(rotation: 6), width: 12, height: 9), bytes,
                                  width: 12, height: 9, seed: 2)
        #expect(small == direct)
        #expect(small.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func settingsDescribeAndValidateThemselves() {
        #expect(AugmentationSettings.original(rotation: 6).summary == "rotation ±6°, shift ±10%, bilinear, fill nearest")
        #expect(AugmentationSettings(rotation: 10, zoom: 0.1, elasticAlpha: 34).summary
                == "rotation ±10°, shift ±10%, zoom ±10%, elastic α 34 σ 4, bilinear, fill nearest")
        #expect(throws: ModelError.self) { try AugmentationSettings(rotation: -1).validate() }
        #expect(throws: ModelError.self) { try AugmentationSettings(zoom: 1).validate() }
        #expect(throws: ModelError.self) { try AugmentationSettings(rotation: .nan).validate() }
        #expect(AugmentationSettings(penRedraw: 0.25).summary
                == "rotation ±0°, shift ±10%, bilinear, fill nearest, 25% redrawn with the app's pen")
        #expect(throws: ModelError.self) { try AugmentationSettings(penRedraw: 1.5).validate() }
        #expect(AugmentationSettings.none.isIdentity && !AugmentationSettings.original(rotation: 6).isIdentity)
        #expect(!AugmentationSettings(widthShift: 0, heightShift: 0, penRedraw: 0.1).isIdentity)
    }

    @Test func settingsSavedBeforePenRedrawingExistedStillLoad() throws {
        let saved = #"{"rotation":6,"widthShift":0.1,"heightShift":0.1,"zoom":0,"elasticAlpha":0,"elasticSigma":4}"#
        let settings = try JSONDecoder().decode(AugmentationSettings.self, from: Data(saved.utf8))
        #expect(settings == .original(rotation: 6))
        let redrawing = AugmentationSettings(rotation: 6, penRedraw: 0.3)
        #expect(try JSONDecoder().decode(AugmentationSettings.self, from: JSONEncoder().encode(redrawing)) == redrawing)
    }

    @Test func aShareOfImagesIsRedrawnWithThePen() throws {
        let bytes = Self.digit.bytes
        let plain = Augmenter(settings: .original(rotation: 6)), always = Augmenter(settings: AugmentationSettings(rotation: 6, penRedraw: 1))
        let seeds = 0 ..< UInt64(40)
        let redrawn = seeds.map { Self.augment(always, bytes, width: 28, height: 28, seed: $0) }
        for (seed, image) in zip(seeds, redrawn) {
            // Redrawn images are preprocessed drawings: framed as MNIST frames digits, unlike the shifted originals.
            #expect(image != Self.augment(plain, bytes, width: 28, height: 28, seed: seed))
            let drawing = GrayImage(width: 28, height: 28, pixels: image)
            let centre = try #require(Ink.centreOfMass(drawing)), box = try #require(Ink.box(drawing))
            #expect(abs(centre.x - 14) <= 1.5 && abs(centre.y - 14) <= 1.5, "seed \(seed): centre of mass \(centre)")
            #expect(max(box.x1 - box.x0, box.y1 - box.y0) + 1 == 20, "seed \(seed): box \(box)")
        }
        #expect(Set(redrawn.map { $0.map { Int($0 * 1000) } }).count == redrawn.count, "every seed draws another size or place")
        #expect(redrawn[3] == Self.augment(always, bytes, width: 28, height: 28, seed: 3))
        let some = Augmenter(settings: AugmentationSettings(rotation: 6, penRedraw: 0.3))
        let changed = seeds.filter { seed in
            Self.augment(some, bytes, width: 28, height: 28, seed: seed) != Self.augment(plain, bytes, width: 28, height: 28, seed: seed)
        }
        #expect((4...20).contains(changed.count), "\(changed.count) of 40 redrawn at a share of 30%")
    }
}
