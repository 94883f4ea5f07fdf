import Testing
@testable import DigittyEngine

@Suite struct RandomDistortionTests {
    static func image() -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: 784)
        for y in 6..<22 { for x in 11..<15 { pixels[y * 28 + x] = 255 } }
        for x in 8..<20 { pixels[6 * 28 + x] = 128 }
        return pixels
    }

    static func apply(_ distortion: RandomDistortion, _ pixels: [UInt8], seed: UInt64) -> [Float] {
        var output = [Float](repeating: -1, count: 784)
        pixels.withUnsafeBufferPointer { source in output.withUnsafeMutableBufferPointer { target in
            distortion.augment(source.baseAddress!, height: 28, width: 28, into: target.baseAddress!, seed: seed)
        } }
        return output
    }

    @Test func noDistortionIsTheIdentity() {
        let pixels = Self.image()
        #expect(Self.apply(RandomDistortion(), pixels, seed: 3) == pixels.map { Float($0) / 255 })
    }

    @Test func sameSeedSameImageOtherSeedOtherImage() {
        let distortion = RandomDistortion(rotation: 12, shift: 0.1, scale: 0.1, elastic: 1)
        let pixels = Self.image()
        #expect(Self.apply(distortion, pixels, seed: 1) == Self.apply(distortion, pixels, seed: 1))
        #expect(Self.apply(distortion, pixels, seed: 1) != Self.apply(distortion, pixels, seed: 2))
        #expect(Self.apply(distortion, pixels, seed: 1).allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func shiftsMoveTheCentreOfMass() {
        func centre(_ values: [Float]) -> (Double, Double) {
            var total = 0.0, x = 0.0, y = 0.0
            for index in 0..<784 { let v = Double(values[index]); total += v; x += v * Double(index % 28); y += v * Double(index / 28) }
            return (x / total, y / total)
        }
        let pixels = Self.image()
        let original = centre(pixels.map { Float($0) / 255 })
        let distortion = RandomDistortion(shift: 0.1)
        for seed in UInt64(1)...20 {
            let moved = centre(Self.apply(distortion, pixels, seed: seed))
            // At most ±10% of 28 pixels in each direction (plus interpolation blur).
            #expect(abs(moved.0 - original.0) <= 2.9 && abs(moved.1 - original.1) <= 2.9)
        }
    }
}
