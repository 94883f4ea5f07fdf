@testable import DigittyTraining
import DigittyEngine
import Testing
@testable import DigittyVision

/// Handwriting styles and junk, drawn from a seed.
@Suite struct SynthesisTests {
    static func images(_ set: LabelledImages) -> [GrayImage] {
        (0 ..< set.count).map { index in
            GrayImage(width: 28, height: 28, bytes: Array(set.pixels[index * 784 ..< (index + 1) * 784]))
        }
    }

    @Test func everyStyleDrawsItsDigitFramedAsMNIST() {
        let set = SyntheticImages.styles(StrokeStyle.allCases, perStyle: 5, seed: 1)
        #expect(set.count == StrokeStyle.allCases.count * 5)
        #expect(set.labels == StrokeStyle.allCases.flatMap { [UInt8](repeating: UInt8($0.digit), count: 5) })
        for image in Self.images(set) {
            // MNIST's frame: the longer side of the ink box is 20 pixels.
            let inked = image.pixels.indices.filter { image.pixels[$0] > 0 }
            let xs = inked.map { $0 % 28 }, ys = inked.map { $0 / 28 }
            #expect(max(xs.max()! - xs.min()!, ys.max()! - ys.min()!) + 1 == 20)
        }
    }

    @Test func drawingsAreReproducibleFromTheSeedAndVary() {
        let one = SyntheticImages.styles([.sevenCrossed], perStyle: 10, seed: 4)
        #expect(one.pixels == SyntheticImages.styles([.sevenCrossed], perStyle: 10, seed: 4).pixels)
        #expect(one.pixels != SyntheticImages.styles([.sevenCrossed], perStyle: 10, seed: 5).pixels)
        #expect(Set(Self.images(one).map(\.pixels)).count == 10)
    }

    @Test func heldOutStylesAreNeverTrained() {
        #expect(!StrokeStyle.heldOutStyles.isEmpty)
        #expect(Set(StrokeStyle.heldOutStyles.map(\.rawValue)).isDisjoint(with: StrokeStyle.trained.map(\.rawValue)))
        #expect(Set(StrokeStyle.allCases.map(\.digit)) == [1, 2, 4, 7, 9])
    }

    @Test func theFootAndTheCrossBarAreThere() {
        // Mean ink in the bottom two rows of the 20-pixel box: a foot is a horizontal stroke there.
        func bottomInk(_ style: StrokeStyle) -> Float {
            Self.images(SyntheticImages.styles([style], perStyle: 40, seed: 2)).map { image in
                let rows = (0 ..< 28).filter { row in (0 ..< 28).contains { image[$0, row] > 0 } }
                return (rows.suffix(2)).flatMap { row in (0 ..< 28).map { image[$0, row] } }.reduce(0, +)
            }.reduce(0, +) / 40
        }
        #expect(bottomInk(.oneFlagFoot) > 2 * bottomInk(.oneFlag))
        // A crossed 7 has a row with a long horizontal stroke well below its top bar (6 to 14 rows under the top
        // of its ink); a serif 7 only its diagonal there.
        func widestMiddleRow(_ style: StrokeStyle) -> Float {
            Float(Self.images(SyntheticImages.styles([style], perStyle: 40, seed: 3)).map { image in
                let top = (0 ..< 28).first { row in (0 ..< 28).contains { image[$0, row] > 0.3 } }!
                return (top + 6 ... top + 14).map { row in (0 ..< 28).filter { image[$0, row] > 0.3 }.count }.max()!
            }.reduce(0, +)) / 40
        }
        #expect(widestMiddleRow(.sevenCrossed) > widestMiddleRow(.sevenSerif) + 3)
    }

    @Test func junkOfEveryKindIsLabelledNotADigit() {
        let digits = SyntheticImages.styles([.twoPlain, .fourOpen], perStyle: 10, seed: 1)
        let junk = SyntheticImages.junk(perKind: 6, digits: digits, seed: 9)
        #expect(junk.count == Junk.allCases.count * 6)
        #expect(junk.labels.allSatisfy { $0 == SyntheticImages.notADigit })
        #expect(Self.images(junk).allSatisfy { $0.pixels.contains { $0 > 0.5 } })
        #expect(junk.pixels == SyntheticImages.junk(perKind: 6, digits: digits, seed: 9).pixels)
    }

    @Test func halfErasedJunkNeedsDigits() {
        var random = SeededRandom(seed: 1)
        #expect(Junk.halfErased.draw(digits: nil, using: &random) == nil)
        let none = SyntheticImages.junk([.halfErased], perKind: 3, digits: nil, seed: 1)
        #expect(none.count == 0)
    }

    @Test func appendingKeepsOrderAndRefusesOtherSizes() throws {
        let a = SyntheticImages.styles([.oneFlag], perStyle: 2, seed: 1)
        let b = SyntheticImages.junk([.shape], perKind: 3, digits: nil, seed: 1)
        let both = try a.appending(b)
        #expect(both.count == 5 && both.labels == [1, 1, 10, 10, 10])
        #expect(Array(both.pixels.suffix(3 * 784)) == b.pixels)
        let small = try LabelledImages(pixels: [0, 0, 0, 0], labels: [1], height: 2, width: 2)
        #expect(throws: ModelError.self) { try a.appending(small) }
    }
}
