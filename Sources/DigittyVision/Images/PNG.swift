/// PNG images: decoding (see `ImageFile.decode`) and encoding as 8-bit grey.
public enum PNG {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

    /// `image` as an 8-bit grey, non-interlaced, zlib-compressed PNG file (pixel values as stored: 0 black, 1 white).
    public static func encode(_ image: GrayImage) -> [UInt8] {
        let bytes = image.bytes
        var raw = [UInt8]()
        raw.reserveCapacity((image.width + 1) * image.height)
        for y in 0 ..< image.height {
            raw.append(0) // filter type None
            raw.append(contentsOf: bytes[y * image.width ..< (y + 1) * image.width])
        }
        let header = BigEndian.bytes(UInt32(image.width)) + BigEndian.bytes(UInt32(image.height))
            + [8, 0, 0, 0, 0] // bit depth 8, grey, deflate, adaptive filtering, no interlace
        return signature
            + chunk("IHDR", header)
            + chunk("IDAT", Zlib.deflate(raw, container: .zlib, level: 9))
            + chunk("IEND", [])
    }

    /// One chunk: length, type, data and the CRC of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return BigEndian.bytes(UInt32(data.count)) + typeAndData + BigEndian.bytes(Zlib.crc32(typeAndData[...]))
    }
}
