/// Netpbm grey maps: reading P2 (ASCII) and P5 (binary) with any maxval up to 65535, writing P5.
public enum PGM {
    private static let format = "PGM"

    /// `image` as a binary (P5) PGM file with maxval 255 (pixel values as stored: 0 black, 1 white).
    public static func encode(_ image: GrayImage) -> [UInt8] {
        Array("P5\n\(image.width) \(image.height)\n255\n".utf8) + image.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(ImageFileError) -> GrayImage {
        var reader = Reader(bytes: bytes, offset: 2)
        let binary = bytes[1] == UInt8(ascii: "5")
        let width = try reader.number(named: "width")
        let height = try reader.number(named: "height")
        try ImageFile.checkDimensions(width, height, format: format)
        let maxval = try reader.number(named: "maxval")
        guard (1 ... 65535).contains(maxval) else {
            throw .malformed(format: format, detail: "maxval \(maxval) is not in 1…65535")
        }
        let count = width * height
        let divisor = Float(maxval)
        var pixels = [Float](repeating: 0, count: count)

        if binary {
            // Exactly one whitespace byte separates the header from the raster.
            guard reader.offset < bytes.count, isSpace(bytes[reader.offset]) else {
                throw .truncated(format: format, detail: "no pixel data after the header")
            }
            let start = reader.offset + 1
            let sampleBytes = maxval < 256 ? 1 : 2
            guard bytes.count - start >= count * sampleBytes else {
                throw .truncated(format: format, detail: "\(bytes.count - start) bytes of pixel data for \(width)×\(height) pixels of \(sampleBytes) byte(s)")
            }
            for i in 0 ..< count {
                let value = sampleBytes == 1
                    ? Int(bytes[start + i])
                    : Int(bytes[start + 2 * i]) << 8 | Int(bytes[start + 2 * i + 1])
                guard value <= maxval else {
                    throw .malformed(format: format, detail: "pixel \(i) is \(value), above maxval \(maxval)")
                }
                pixels[i] = Float(value) / divisor
            }
        } else {
            for i in 0 ..< count {
                let value = try reader.number(named: "pixel \(i)")
                guard value <= maxval else {
                    throw .malformed(format: format, detail: "pixel \(i) is \(value), above maxval \(maxval)")
                }
                pixels[i] = Float(value) / divisor
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09 ... 0x0d).contains(byte)
    }

    /// Reads the whitespace-separated decimal numbers of the header (and of a P2 raster), skipping comments.
    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func number(named name: @autoclosure () -> String) throws(ImageFileError) -> Int {
            while offset < bytes.count {
                if isSpace(bytes[offset]) {
                    offset += 1
                } else if bytes[offset] == UInt8(ascii: "#") {
                    while offset < bytes.count, bytes[offset] != 0x0a, bytes[offset] != 0x0d { offset += 1 }
                } else {
                    break
                }
            }
            guard offset < bytes.count else {
                throw .truncated(format: PGM.format, detail: "the file ends before the \(name())")
            }
            var value = 0
            var digits = 0
            while offset < bytes.count, (0x30 ... 0x39).contains(bytes[offset]) {
                value = value * 10 + Int(bytes[offset] - 0x30)
                digits += 1
                offset += 1
                guard value <= 1 << 31 else {
                    throw .malformed(format: PGM.format, detail: "the \(name()) is an absurdly large number")
                }
            }
            guard digits > 0 else {
                throw .malformed(format: PGM.format, detail: "expected a number for the \(name()) at byte \(offset)")
            }
            return value
        }
    }
}
