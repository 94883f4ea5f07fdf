import DigittyEngine
import Testing
@testable import DigittyVision

/// The fast preprocessing against `ReferencePreprocessing`, the plain version it replaced: the same images, bit for
/// bit, so that every accuracy figure measured with the plain version still holds.
@Suite struct PreprocessingReferenceTests {
    /// Digits as a person or a scanner gives them: MNIST digits (or synthetic strokes) scaled, moved, inverted
    /// onto grey paper, sprinkled with noise and specks; plus odd sizes and pictures larger than the working size.
    static func inputs() -> [GrayImage] {
        var random = SeededRandom(seed: 11)
        var images: [GrayImage] = []
        for (index, digit) in MNISTPreprocessingTests.sampleDigits(300).enumerated() {
            images.append(digit)
            let factor = [1, 2, 3, 5][index % 4]
            var variant = MNISTPreprocessingTests.variant(of: digit, factor: factor, left: index % 37, top: index % 23,
                                                          darkOnLight: index % 3 == 0)
            if index % 2 == 0 {
                for i in variant.pixels.indices { variant.pixels[i] = min(1, variant.pixels[i] + 0.05 * random.nextUnit()) }
                variant[Int(random.next() % UInt64(variant.width)), Int(random.next() % UInt64(variant.height))] = 1
            }
            images.append(variant)
        }
        for (width, height) in [(1, 1), (2, 7), (3, 3), (7, 2), (13, 40), (600, 90), (700, 700), (90, 1200)] {
            images.append(GrayImage(width: width, height: height, pixels: (0 ..< width * height).map { _ in
                random.nextUnit() < 0.2 ? random.nextUnit() : 0
            }))
        }
        return images
    }

    @Test func preparedImagesAreTheSameBitForBit() {
        var compared = 0
        for image in Self.inputs() {
            let fast = MNISTPreprocessing.prepare(image), reference = ReferencePreprocessing.prepare(image)
            #expect(Self.difference(fast, reference) == nil, "\(image.width)×\(image.height)")
            if reference != nil { compared += 1 }
        }
        #expect(compared > 500)
    }

    @Test func eachStepIsTheSameBitForBit() throws {
        for image in Self.inputs() {
            let ink = MNISTPreprocessing.inkMap(of: image)
            #expect(Self.difference(ink, ReferencePreprocessing.inkMap(of: image)) == nil, "\(image.width)×\(image.height)")
            guard var cleaned = ink else { continue }
            var cleanedByReference = cleaned
            InkCleaning.removeNoise(from: &cleaned, faint: 0.04, strong: 0.3, speckShare: 0.02)
            ReferenceInkCleaning.removeNoise(from: &cleanedByReference, faint: 0.04, strong: 0.3, speckShare: 0.02)
            #expect(Self.difference(cleaned, cleanedByReference) == nil, "\(image.width)×\(image.height)")
            let box = MNISTPreprocessing.boundingBox(of: cleaned)
            let referenceBox = ReferencePreprocessing.boundingBox(of: cleaned)
            #expect(box.map { [$0.x, $0.y, $0.width, $0.height] } == referenceBox.map { [$0.x, $0.y, $0.width, $0.height] })
        }
    }

    @Test func resizingIsTheSameBitForBit() {
        var random = SeededRandom(seed: 5)
        for _ in 0 ..< 200 {
            let (width, height) = (1 + Int(random.next() % 60), 1 + Int(random.next() % 60))
            let image = GrayImage(width: width, height: height, pixels: (0 ..< width * height).map { _ in random.nextUnit() })
            let (toWidth, toHeight) = (1 + Int(random.next() % 70), 1 + Int(random.next() % 70))
            #expect(Self.difference(AreaResampling.resize(image, width: toWidth, height: toHeight),
                                    ReferenceResampling.resize(image, width: toWidth, height: toHeight)) == nil,
                    "\(width)×\(height) → \(toWidth)×\(toHeight)")
        }
    }

    /// Nil when both images are absent or equal bit for bit; else what differs, in a few words.
    static func difference(_ image: GrayImage?, _ reference: GrayImage?) -> String? {
        switch (image, reference) {
        case (nil, nil): return nil
        case (nil, _?): return "no image, the reference has one"
        case (_?, nil): return "an image, the reference has none"
        case let (image?, reference?):
            guard image.width == reference.width, image.height == reference.height else {
                return "\(image.width)×\(image.height), the reference \(reference.width)×\(reference.height)"
            }
            let differing = zip(image.pixels, reference.pixels).filter { $0.bitPattern != $1.bitPattern }.count
            return differing == 0 ? nil : "\(differing) pixels differ"
        }
    }
}
