/// Reads the declared width and height of a PNG or PGM file from its first bytes, so that oversized images
/// (a decompression bomb among them) are refused before anything is decoded or allocated.
enum ImageHeader {
    /// The declared `(width, height)`, or nil if the bytes are not a PNG or PGM header this can read
    /// (the decoder then reports what is wrong).
    static func dimensions(of bytes: [UInt8]) -> (width: Int, height: Int)? {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 24, Array(bytes[0..<8]) == pngSignature, Array(bytes[12..<16]) == Array("IHDR".utf8) {
            return (bigEndian(bytes, at: 16), bigEndian(bytes, at: 20))
        }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "5") {
            return pgmDimensions(bytes)
        }
        return nil
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Width and height: the first two numbers after the magic, skipping whitespace and `#` comments.
    private static func pgmDimensions(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var numbers: [Int] = []
        var index = 2
        let end = min(bytes.count, 4096)
        while index < end, numbers.count < 2 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                while index < end, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                var value = 0
                while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    value = min(value * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1 << 40)
                    index += 1
                }
                numbers.append(value)
                continue
            } else if ![0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(byte) {
                return nil
            }
            index += 1
        }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}
