import DigittyEngine
import Testing
@testable import DigittyVision

/// Mutated images must give an image or an `ImageFileError`, never a crash, a hang or a huge allocation.
@Suite struct ImageFuzzTests {
    static func seeds() -> [[UInt8]] {
        let samples = (0 ..< 64).map { ($0 * 29) % 256 }
        return [
            PNG.encode(GrayImage(width: 8, height: 8, bytes: samples.map(UInt8.init))),
            PNGBuilder(width: 8, height: 8, colourType: 0, bitDepth: 8, samples: samples, interlaced: true, filters: [1, 2, 3, 4]).build(),
            PNGBuilder(width: 8, height: 4, colourType: 6, bitDepth: 8, samples: (0 ..< 128).map { $0 * 2 }, filters: [4]).build(),
            PNGBuilder(width: 8, height: 8, colourType: 3, bitDepth: 2, samples: samples.map { $0 % 4 },
                       palette: Array(0 ..< 12), transparency: [0, 128]).build(),
            PGM.encode(GrayImage(width: 8, height: 8, bytes: samples.map(UInt8.init))),
            Array("P2\n# c\n4 2\n15\n0 1 2 3 4 5 6 15\n".utf8),
        ]
    }

    @Test func mutatedImagesNeverCrash() {
        var random = SeededRandom(seed: 0x5eed)
        var decoded = 0, rejected = 0
        for seed in Self.seeds() {
            for _ in 0 ..< 3000 {
                var bytes = Fuzzer.mutate(seed, using: &random)
                if seed.starts(with: PNG.signature), random.next() % 2 == 0 { bytes = Fuzzer.fixPNGChecksums(bytes) }
                do {
                    let image = try ImageFile.decode(bytes)
                    #expect(image.pixels.count == image.width * image.height)
                    decoded += 1
                } catch {
                    #expect(!error.description.isEmpty)
                    rejected += 1
                }
            }
        }
        #expect(decoded + rejected == 6 * 3000)
        #expect(rejected > 0)
    }
}
