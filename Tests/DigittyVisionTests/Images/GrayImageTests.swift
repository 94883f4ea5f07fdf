import Testing
@testable import DigittyVision

@Suite struct GrayImageTests {
    @Test func bytesRoundTrip() {
        let image = GrayImage(width: 2, height: 1, bytes: [0, 255])
        #expect(image.pixels == [0, 1])
        #expect(image.bytes == [0, 255])
        #expect(image[1, 0] == 1)
    }
}
