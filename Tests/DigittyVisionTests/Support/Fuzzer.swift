import DigittyEngine
@testable import DigittyVision

/// Random damage to valid files: flipped bits, overwritten, inserted and deleted bytes, truncation.
enum Fuzzer {
    static func mutate(_ bytes: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = bytes
        let edits = 1 + Int(random.next() % 4)
        for _ in 0 ..< edits where !bytes.isEmpty {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 6 {
            case 0: bytes[at] ^= UInt8(1 << (random.next() % 8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 3: bytes.remove(at: at)
            case 4: bytes.removeLast(Int(random.next() % UInt64(bytes.count - at)))
            default: bytes[at] = [0x00, 0xff, 0x7f, 0x80][Int(random.next() % 4)]
            }
        }
        return bytes
    }
}

extension Fuzzer {
    /// Recomputes every chunk's CRC of a (possibly mutated) PNG so that damage reaches past the CRC check.
    static func fixPNGChecksums(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = Int(BigEndian.uint32(bytes, at: offset))
            guard length <= bytes.count - offset - 12 else { break }
            let crc = BigEndian.bytes(Zlib.crc32(bytes[offset + 4 ..< offset + 8 + length]))
            bytes.replaceSubrange(offset + 8 + length ..< offset + 12 + length, with: crc)
            offset += 12 + length
        }
        return bytes
    }
}
