import DigittyTestSupport
import DigittyEngine
@testable import DigittyTraining
import Testing
@testable import DigittyVision

@Suite struct PenRedrawingTests {
    /// An "L": a vertical bar 3 px wide and 16 tall, and a foot 10 px long, with grey edges.
    static let digit: GrayImage = {
        var image = GrayImage(width: 28, height: 28)
        for y in 6 ..< 22 { for x in 9 ..< 12 { image[x, y] = 1 } }
        for y in 19 ..< 22 { for x in 12 ..< 19 { image[x, y] = 1 } }
        for y in 6 ..< 22 { image[8, y] = 0.4 }
        return image
    }()

    @Test func thePenCoversTheDigitsInkAndLittleElse() throws {
        let drawing = try #require(PenRedrawing().draw(Self.digit, scale: 1, left: 9, top: 6))
        for y in 0 ..< 28 {
            for x in 0 ..< 28 {
                let inside = (6 ..< 22).contains(y) && (9 ..< 12).contains(x) || (19 ..< 22).contains(y) && (12 ..< 19).contains(x)
                if inside { #expect(drawing[x, y] == 1, "\(x), \(y) not full ink") }
                // The grey edge (0.4) is below half ink: not traced. The pen's soft edge reaches a cell past the ink.
                let nearInk = (4 ..< 24).contains(y) && (7 ..< 21).contains(x)
                if !nearInk { #expect(drawing[x, y] == 0, "ink far from the digit at \(x), \(y)") }
            }
        }
        #expect(drawing[8, 12] < 1)
    }

    @Test func aSmallerDrawingIsSmallerAndPlacedWhereAsked() throws {
        let drawing = try #require(PenRedrawing().draw(Self.digit, scale: 0.5, left: 2, top: 3))
        let box = try #require(Ink.box(drawing, threshold: 0.99))
        #expect(box.x0 == 2 && box.y0 == 3)
        #expect(box.y1 - box.y0 + 1 == 8 && box.x1 - box.x0 + 1 == 5)
    }

    @Test func redrawingGivesAPreprocessedDigitReproducibly() throws {
        var random = SeededRandom(seed: 4)
        var images: [GrayImage] = []
        for _ in 0 ..< 20 { images.append(try #require(PenRedrawing().redraw(Self.digit, using: &random))) }
        for image in images {
            let box = try #require(Ink.box(image))
            #expect(box.y1 - box.y0 + 1 == 20, "the longer side is framed to 20 px, got \(box)")
        }
        #expect(Set(images.map(\.bytes)).count > 10, "sizes and places vary")
        var again = SeededRandom(seed: 4)
        #expect(PenRedrawing().redraw(Self.digit, using: &again) == images[0])
    }

    @Test func emptyOrFaintDigitsAndOddScalesGiveNothing() {
        var random = SeededRandom(seed: 1)
        #expect(PenRedrawing().redraw(GrayImage(width: 28, height: 28), using: &random) == nil)
        let faint = GrayImage(width: 28, height: 28, pixels: [Float](repeating: 0.3, count: 784))
        #expect(PenRedrawing().redraw(faint, using: &random) == nil)
        #expect(PenRedrawing().draw(Self.digit, scale: 0, left: 0, top: 0) == nil)
        #expect(PenRedrawing().draw(Self.digit, scale: .nan, left: 0, top: 0) == nil)
        #expect(PenRedrawing().draw(Self.digit, scale: 1, left: 40, top: 0) == nil)
    }
}
