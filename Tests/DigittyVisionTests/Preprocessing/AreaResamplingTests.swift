import Testing
@testable import DigittyVision

@Suite struct AreaResamplingTests {
    static func sample(width: Int, height: Int) -> GrayImage {
        GrayImage(width: width, height: height, pixels: (0 ..< width * height).map { Float(($0 * 53) % 97) / 96 })
    }

    @Test func integerShrinkIsTheBlockMean() {
        let image = Self.sample(width: 12, height: 9)
        let small = AreaResampling.resize(image, width: 4, height: 3)
        for y in 0 ..< 3 {
            for x in 0 ..< 4 {
                var sum: Float = 0
                for dy in 0 ..< 3 { for dx in 0 ..< 3 { sum += image[3 * x + dx, 3 * y + dy] } }
                #expect(abs(small[x, y] - sum / 9) < 1e-5)
            }
        }
    }

    @Test func integerEnlargeReplicates() {
        let image = Self.sample(width: 5, height: 4)
        let big = AreaResampling.resize(image, width: 15, height: 8)
        for y in 0 ..< 8 { for x in 0 ..< 15 { #expect(abs(big[x, y] - image[x / 3, y / 2]) < 1e-5) } }
    }

    @Test func anySizeKeepsTheMeanAndTheRange() {
        let image = Self.sample(width: 37, height: 23)
        let mean = image.pixels.reduce(0, +) / Float(image.pixels.count)
        for (w, h) in [(20, 13), (50, 70), (1, 1), (37, 23), (29, 3)] {
            let resized = AreaResampling.resize(image, width: w, height: h)
            let resizedMean = resized.pixels.reduce(0, +) / Float(w * h)
            #expect(abs(resizedMean - mean) < 1e-4, "\(w)×\(h)")
            #expect(resized.pixels.allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-5 })
        }
        #expect(AreaResampling.resize(image, width: 37, height: 23).pixels.elementsEqual(image.pixels) { abs($0 - $1) < 1e-6 })
    }
}
