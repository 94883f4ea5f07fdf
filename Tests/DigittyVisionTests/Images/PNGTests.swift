import Testing
@testable import DigittyVision

@Suite struct PNGTests {
    /// A 13×7 grey gradient with some structure, as 8-bit samples.
    static let width = 13, height = 7
    static let grey: [Int] = (0 ..< width * height).map { ($0 * 37 + ($0 / width) * 11) % 256 }

    static func expectPixels(_ image: GrayImage, _ expected: [Float], tolerance: Float = 1e-5) {
        #expect(image.width == width && image.height == height)
        let worst = zip(image.pixels, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance, "largest pixel difference \(worst)")
    }

    @Test(arguments: [UInt8(0), 1, 2, 3, 4])
    func everyFilterTypeOnGrey(filter: UInt8) throws {
        let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 0, bitDepth: 8,
                               samples: Self.grey, filters: [filter]).build()
        Self.expectPixels(try ImageFile.decode(bytes), Self.grey.map { Float($0) / 255 })
    }

    @Test func mixedFiltersInterlacedAndSplitData() throws {
        for interlaced in [false, true] {
            let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 0, bitDepth: 8,
                                   samples: Self.grey, interlaced: interlaced, filters: [4, 0, 3, 1, 2], idatChunks: 3).build()
            Self.expectPixels(try ImageFile.decode(bytes), Self.grey.map { Float($0) / 255 })
        }
    }

    @Test func rgbBecomesRec601Luminance() throws {
        let rgb = Self.grey.flatMap { [$0, 255 - $0, ($0 * 3) % 256] }
        let expected = Self.grey.map { v -> Float in
            (0.299 * Float(v) + 0.587 * Float(255 - v) + 0.114 * Float((v * 3) % 256)) / 255
        }
        for filter: UInt8 in [1, 4] {
            let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 2, bitDepth: 8,
                                   samples: rgb, filters: [filter]).build()
            Self.expectPixels(try ImageFile.decode(bytes), expected)
        }
    }

    @Test func alphaIsCompositedOverWhite() throws {
        let rgba = Self.grey.flatMap { [0, 0, 0, $0] } // black ink with varying opacity
        let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 6, bitDepth: 8,
                               samples: rgba, interlaced: true, filters: [3, 4]).build()
        Self.expectPixels(try ImageFile.decode(bytes), Self.grey.map { 1 - Float($0) / 255 })

        let greyAlpha = Self.grey.flatMap { [255, $0] } // white on white: all white
        let white = try ImageFile.decode(PNGBuilder(width: Self.width, height: Self.height, colourType: 4, bitDepth: 8,
                                                    samples: greyAlpha).build())
        Self.expectPixels(white, [Float](repeating: 1, count: Self.width * Self.height))
    }

    @Test("8-bit grey, grey + alpha, RGB and RGBA decode as their 16-bit twins (the general path) do")
    func eightBitMatchesSixteenBit() throws {
        for (colourType, channels) in [(UInt8(0), 1), (2, 3), (4, 2), (6, 4)] {
            let samples = (0 ..< Self.width * Self.height * channels).map { ($0 * 53 + $0 / 7) % 256 }
            for interlaced in [false, true] {
                let eight = try ImageFile.decode(PNGBuilder(width: Self.width, height: Self.height, colourType: colourType,
                                                            bitDepth: 8, samples: samples, interlaced: interlaced,
                                                            filters: [0, 1, 4]).build())
                let sixteen = try ImageFile.decode(PNGBuilder(width: Self.width, height: Self.height, colourType: colourType,
                                                              bitDepth: 16, samples: samples.map { $0 * 257 },
                                                              interlaced: interlaced).build())
                Self.expectPixels(eight, sixteen.pixels, tolerance: 1e-6)
            }
        }
    }

    @Test func sixteenBitSamplesAreScaled() throws {
        let samples = Self.grey.map { $0 * 257 + ($0 % 3) }
        let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 0, bitDepth: 16,
                               samples: samples, filters: [2, 4]).build()
        Self.expectPixels(try ImageFile.decode(bytes), samples.map { Float($0) / 65535 })
    }

    @Test(arguments: [UInt8(1), 2, 4])
    func lowBitDepthGreyAndPalette(depth: UInt8) throws {
        let levels = 1 << Int(depth)
        let samples = Self.grey.map { $0 % levels }
        let grey = PNGBuilder(width: Self.width, height: Self.height, colourType: 0, bitDepth: depth,
                              samples: samples, interlaced: true, filters: [1, 3]).build()
        Self.expectPixels(try ImageFile.decode(grey), samples.map { Float($0) / Float(levels - 1) })

        // Palette entry i is the grey level 255 − 17·i; the last entry is half transparent.
        let palette = (0 ..< levels).flatMap { i in [UInt8](repeating: UInt8(255 - 17 * i), count: 3) }
        var alpha = [UInt8](repeating: 255, count: levels)
        alpha[levels - 1] = 0x80
        let indexed = PNGBuilder(width: Self.width, height: Self.height, colourType: 3, bitDepth: depth,
                                 samples: samples, filters: [4], palette: palette, transparency: alpha).build()
        let expected = samples.map { i -> Float in
            let value = Float(255 - 17 * i) / 255
            let a = Float(alpha[i]) / 255
            return value * a + 1 - a
        }
        Self.expectPixels(try ImageFile.decode(indexed), expected)
    }

    @Test func greyTransparencyKey() throws {
        let samples = Self.grey.map { $0 < 100 ? 0 : 200 }
        let bytes = PNGBuilder(width: Self.width, height: Self.height, colourType: 0, bitDepth: 8,
                               samples: samples, transparency: [0, 0]).build()
        Self.expectPixels(try ImageFile.decode(bytes), samples.map { $0 == 0 ? 1 : Float(200) / 255 })
    }

    @Test func encodeRoundTrips() throws {
        let image = GrayImage(width: 30, height: 17, bytes: (0 ..< 510).map { UInt8(($0 * 7) % 256) })
        let encoded = PNG.encode(image)
        #expect(try ImageFile.decode(encoded) == image)
        #expect(Array(encoded.prefix(8)) == PNG.signature)
    }

    @Test func paethPredictorMatchesTheSpecification() {
        #expect(PNG.paeth(10, 20, 15) == 15) // p = 15: c is exact
        #expect(PNG.paeth(10, 20, 5) == 20)  // p = 25: b is nearest
        #expect(PNG.paeth(20, 10, 25) == 10) // p = 5: b is nearest
        #expect(PNG.paeth(7, 7, 7) == 7)     // ties go to a
    }

    // MARK: bad files

    static func valid() -> [UInt8] {
        PNG.encode(GrayImage(width: 4, height: 3, bytes: Array(0 ..< 12)))
    }

    static func expectError(_ bytes: [UInt8], containing text: String) {
        do {
            _ = try ImageFile.decode(bytes)
            Issue.record("decoded a bad file; expected an error with \"\(text)\"")
        } catch {
            #expect(error.description.contains(text), "message: \(error.description)")
        }
    }

    @Test func corruptCRCIsReported() {
        var bytes = Self.valid()
        bytes[20] ^= 0x01 // inside IHDR's data
        Self.expectError(bytes, containing: "CRC mismatch in chunk IHDR")
    }

    @Test func truncationIsReported() {
        let bytes = Self.valid()
        Self.expectError(Array(bytes.prefix(bytes.count - 12)), containing: "IEND")
        Self.expectError(Array(bytes.prefix(40)), containing: "truncated PNG")
        Self.expectError(Array(bytes.prefix(8)), containing: "truncated PNG")
    }

    @Test func shortImageDataIsReported() {
        let raw = Zlib.deflate([0, 1, 2]) // far fewer bytes than 4×3 needs
        let bytes = PNG.signature + PNG.chunk("IHDR", BigEndian.bytes(4) + BigEndian.bytes(3) + [8, 0, 0, 0, 0])
            + PNG.chunk("IDAT", raw) + PNG.chunk("IEND", [])
        Self.expectError(bytes, containing: "image data ends after 3 of 15 bytes")
    }

    @Test func hugeAndEmptyHeadersAreRefusedBeforeAllocating() {
        for (width, height) in [(100_000, 100_000), (0, 10), (16_384, 16_384), (Int(UInt32.max), 1)] {
            let bytes = PNG.signature + PNG.chunk("IHDR", BigEndian.bytes(UInt32(width)) + BigEndian.bytes(UInt32(height))
                + [8, 0, 0, 0, 0]) + PNG.chunk("IDAT", Zlib.deflate([0])) + PNG.chunk("IEND", [])
            Self.expectError(bytes, containing: "\(width)×\(height)")
        }
    }

    @Test func invalidHeaderFieldsAreNamed() {
        func header(depth: UInt8, colour: UInt8, interlace: UInt8 = 0) -> [UInt8] {
            PNG.signature + PNG.chunk("IHDR", BigEndian.bytes(2) + BigEndian.bytes(2) + [depth, colour, 0, 0, interlace])
                + PNG.chunk("IDAT", Zlib.deflate([0, 0, 0, 0])) + PNG.chunk("IEND", [])
        }
        Self.expectError(header(depth: 3, colour: 0), containing: "bit depth 3")
        Self.expectError(header(depth: 8, colour: 5), containing: "colour type 5")
        Self.expectError(header(depth: 8, colour: 0, interlace: 2), containing: "interlace method 2")
        Self.expectError(header(depth: 8, colour: 3), containing: "without a PLTE")
    }

    @Test func unknownFilterAndCriticalChunkAreReported() {
        let badFilter = PNG.signature + PNG.chunk("IHDR", BigEndian.bytes(1) + BigEndian.bytes(1) + [8, 0, 0, 0, 0])
            + PNG.chunk("IDAT", Zlib.deflate([9, 0])) + PNG.chunk("IEND", [])
        Self.expectError(badFilter, containing: "unknown filter type 9")
        var withCritical = Self.valid()
        withCritical.insert(contentsOf: PNG.chunk("ABCD", [1]), at: 33) // right after IHDR
        Self.expectError(withCritical, containing: "unknown critical chunk ABCD")
    }

    @Test func paletteIndexOutOfRange() {
        let bytes = PNGBuilder(width: 2, height: 1, colourType: 3, bitDepth: 8, samples: [0, 5],
                               palette: [0, 0, 0, 255, 255, 255]).build()
        Self.expectError(bytes, containing: "palette index 5")
    }
}
