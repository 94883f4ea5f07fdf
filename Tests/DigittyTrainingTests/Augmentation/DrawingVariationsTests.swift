import DigittyEngine
import DigittyVision
import Testing
@testable import DigittyTraining

@Suite struct DrawingVariationsTests {
    @Test func variationsAreReproducibleAndStartWithTheDrawingAsTheModelSeesIt() throws {
        var seven = GrayImage(width: 28, height: 28)
        seven.stroke(fromX: 6, y0: 5, toX: 21, y1: 5, brush: .pen)
        seven.stroke(fromX: 21, y0: 5, toX: 12, y1: 23, brush: .pen)
        let variations = DrawingVariations()
        let images = variations.images(of: seven, count: 12, seed: 3)
        #expect(images.count == 12 && images.allSatisfy { $0.count == 784 })
        #expect(images[0] == MNISTPreprocessing.prepare(seven)?.bytes)
        #expect(images == variations.images(of: seven, count: 12, seed: 3))
        #expect(Set(images).count > 8, "the variations should differ")
        // Thicker strokes carry more ink, thinner ones less.
        let ink = { (image: GrayImage) in image.pixels.reduce(0, +) }
        #expect(ink(DrawingVariations.thicken(seven, by: 0.7)) > ink(seven) && ink(DrawingVariations.thicken(seven, by: -0.7)) < ink(seven))
        #expect(variations.images(of: GrayImage(width: 28, height: 28), count: 4, seed: 1).isEmpty)
    }
}
