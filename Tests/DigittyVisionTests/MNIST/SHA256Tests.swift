import Testing
@testable import DigittyVision

@Suite struct SHA256Tests {
    @Test func standardTestVectors() {
        // FIPS 180-2 appendix B and the usual extra vectors.
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array("The quick brown fox jumps over the lazy dog".utf8))
            == "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let bytes = (0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
        for pieces in [[1000], [1, 63, 64, 872], [55, 1, 8, 900, 36], [64, 64, 0, 872]] {
            var hasher = SHA256()
            var start = 0
            for length in pieces {
                hasher.update(Array(bytes[start ..< start + length]))
                start += length
            }
            #expect(hasher.finalize() == SHA256.hash(bytes), "\(pieces)")
        }
        // Padding boundaries: lengths around 55, 56 and 64 bytes.
        for length in 54 ... 66 {
            let data = [UInt8](repeating: 0x61, count: length)
            var split = SHA256()
            split.update(Array(data.prefix(length / 2)))
            split.update(Array(data.dropFirst(length / 2)))
            #expect(split.finalize() == SHA256.hash(data))
        }
    }
}
