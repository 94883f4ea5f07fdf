import Testing
@testable import DigittyVision

@Suite struct PGMTests {
    @Test func asciiWithComments() throws {
        let text = "P2\n# made by hand\n3 2 # width height\n# maxval next\n10\n0 5 10\n 10 5\n0\n"
        let image = try ImageFile.decode(Array(text.utf8))
        #expect(image.width == 3 && image.height == 2)
        #expect(image.pixels == [0, 0.5, 1, 1, 0.5, 0])
    }

    @Test func binaryEightAndSixteenBit() throws {
        let eight = try ImageFile.decode(Array("P5 2 2 255\n".utf8) + [0, 51, 204, 255])
        #expect(eight.bytes == [0, 51, 204, 255])
        let sixteen = try ImageFile.decode(Array("P5\n2 1\n1000\n".utf8) + [0x01, 0xf4, 0x03, 0xe8])
        #expect(sixteen.pixels == [0.5, 1])
    }

    @Test func encodeRoundTrips() throws {
        let image = GrayImage(width: 5, height: 4, bytes: (0 ..< 20).map { UInt8($0 * 13) })
        let encoded = PGM.encode(image)
        #expect(encoded.starts(with: Array("P5\n5 4\n255\n".utf8)))
        #expect(try ImageFile.decode(encoded) == image)
    }

    static func expectError(_ text: String, _ tail: [UInt8] = [], containing message: String) {
        do {
            _ = try ImageFile.decode(Array(text.utf8) + tail)
            Issue.record("decoded a bad PGM; expected \"\(message)\"")
        } catch {
            #expect(error.description.contains(message), "message: \(error.description)")
        }
    }

    @Test func badFilesGetClearErrors() {
        Self.expectError("P5 2 2 255\n", [1, 2, 3], containing: "3 bytes of pixel data for 2×2")
        Self.expectError("P2 2 1 10\n3 11", containing: "pixel 1 is 11, above maxval 10")
        Self.expectError("P2 2 1 10\n3", containing: "ends before the pixel 1")
        Self.expectError("P5 2 1 0\n", [0, 0], containing: "maxval 0")
        Self.expectError("P5 2 x 255\n", containing: "expected a number for the height")
        Self.expectError("P5 100000 100000 255\n", containing: "too large (100000×100000)")
        Self.expectError("P5 0 5 255\n", containing: "no pixels (0×5)")
        Self.expectError("P5 99999999999999999999 1 255\n", containing: "absurdly large")
        Self.expectError("P5 1 1 255", containing: "no pixel data")
    }
}
