@testable import DigittyTraining
import DigittyEngine
import Foundation
import Testing
@testable import DigittyVision

/// Slant, aspect ratio, stroke thickness, stretching to fill a square and low resolution.
@Suite struct HandwritingWideningTests {
    /// A vertical bar 2 pixels wide and 16 tall in the middle of a 28×28 image.
    static let bar: GrayImage = {
        var image = GrayImage(width: 28, height: 28)
        for y in 6 ..< 22 { for x in 13 ..< 15 { image[x, y] = 1 } }
        return image
    }()

    static func inkColumns(_ image: GrayImage, row: Int) -> [Int] {
        (0 ..< image.width).filter { image[$0, row] > 0.5 }
    }

    static func box(_ image: GrayImage) -> (width: Int, height: Int) {
        let inked = image.pixels.indices.filter { image.pixels[$0] > 0.5 }
        let xs = inked.map { $0 % image.width }, ys = inked.map { $0 / image.width }
        return (xs.max()! - xs.min()! + 1, ys.max()! - ys.min()! + 1)
    }

    @Test func positiveShearLeansTheTopToTheRight() {
        let slanted = AugmenterTests.apply(Augmenter.Transform(shear: 0.4), to: Self.bar)
        let top = Self.inkColumns(slanted, row: 7), bottom = Self.inkColumns(slanted, row: 20)
        #expect(!top.isEmpty && !bottom.isEmpty)
        // 13 rows apart at a shear of 0.4: about 5 pixels.
        let lean = Double(top.reduce(0, +)) / Double(top.count) - Double(bottom.reduce(0, +)) / Double(bottom.count)
        #expect(lean > 4 && lean < 6.5, "lean \(lean)")
        #expect(Self.inkColumns(AugmenterTests.apply(Augmenter.Transform(shear: -0.4), to: Self.bar), row: 7).first! < 13)
    }

    @Test func aspectWidensAndFlattens() {
        var square = GrayImage(width: 28, height: 28)
        for y in 9 ..< 19 { for x in 9 ..< 19 { square[x, y] = 1 } }
        let wide = Self.box(AugmenterTests.apply(Augmenter.Transform(aspect: 1.5), to: square))
        #expect(wide.width >= 14 && wide.width <= 16 && wide.height >= 6 && wide.height <= 8, "\(wide)")
        #expect(AugmenterTests.apply(Augmenter.Transform(aspect: 1), to: square) == square)
    }

    @Test func thicknessThickensThinsAndKeepsAtZero() {
        func changed(_ amount: Float) -> GrayImage {
            var image = Self.bar
            image.pixels.withUnsafeMutableBufferPointer { StrokeThickness.change($0, width: 28, height: 28, by: amount) }
            return image
        }
        let ink = { (image: GrayImage) in image.pixels.reduce(0, +) }
        #expect(changed(0) == Self.bar)
        #expect(Self.inkColumns(changed(1), row: 12) == [12, 13, 14, 15])
        #expect(Self.inkColumns(changed(2), row: 12) == Array(11 ... 16))
        #expect(ink(changed(0.5)) > ink(Self.bar) && ink(changed(0.5)) < ink(changed(1)))
        #expect(ink(changed(-1)) < ink(Self.bar))
        // A two-pixel bar fades to 3/4 inside (one of four neighbours is background) and less at its ends.
        #expect(changed(-1)[13, 12] == 0.75 && changed(-1)[13, 6] == 0.5)
    }

    @Test func stretchingFillsASquareAndLowResolutionIsBlocky() throws {
        let stretched = try #require(Reframing.stretchedToFill(Self.bar))
        let box = Self.box(stretched)
        #expect(box.width >= 19 && box.height >= 19, "\(box)")
        let blocky = try #require(Reframing.atLowResolution(AugmenterTests.digit, cells: 8, binarisedAt: 0.5))
        #expect(max(Self.box(blocky).width, Self.box(blocky).height) >= 19)
        // 8 cells blown up to 20 pixels: whole runs of 2–3 equal pixels along the longer side, few grey levels.
        #expect(Set(blocky.bytes).count < 40)
        #expect(Reframing.atLowResolution(GrayImage(width: 28, height: 28), cells: 8, binarisedAt: 0.5) == nil)
        #expect(Reframing.stretchedToFill(GrayImage(width: 28, height: 28)) == nil)
    }

    @Test func theWiderAugmentationIsDeterministicAndChangesImages() {
        let settings = AugmentationSettings(rotation: 10, zoom: 0.1, elasticAlpha: 24, penRedraw: 0.2, shear: 0.4,
                                            aspect: 0.6, stretchToFill: 0.3, thickness: 0.5, lowResolution: 0.3)
        let augmenter = Augmenter(settings: settings)
        let bytes = AugmenterTests.digit.bytes
        func run(_ seed: UInt64) -> [Float] {
            var output = [Float](repeating: 0, count: 784)
            bytes.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { augmenter.augment(source.baseAddress!, height: 28, width: 28, into: $0.baseAddress!, seed: seed) }
            }
            return output
        }
        #expect(run(5) == run(5))
        let distinct = Set((0 ..< 20).map { run(UInt64($0)) })
        #expect(distinct.count == 20)
        #expect((0 ..< 20).allSatisfy { run(UInt64($0)).contains { $0 > 0.5 } }, "every image keeps ink")
    }

    @Test func settingsSavedBeforeTheWideningReadAsWithoutIt() throws {
        let old = #"{"rotation":6,"widthShift":0.1,"heightShift":0.1,"zoom":0,"elasticAlpha":0,"elasticSigma":4}"#
        let settings = try JSONDecoder().decode(AugmentationSettings.self, from: Data(old.utf8))
        #expect(settings == AugmentationSettings(rotation: 6))
        #expect(settings.shear == 0 && settings.lowResolution == 0)
        var invalid = AugmentationSettings(shear: 2)
        #expect(throws: ModelError.self) { try invalid.validate() }
        invalid = AugmentationSettings(lowResolution: 1.5)
        #expect(throws: ModelError.self) { try invalid.validate() }
        #expect(AugmentationSettings(shear: 0.4, thickness: 0.5).summary.contains("shear ±0.40 on half"))
    }
}
