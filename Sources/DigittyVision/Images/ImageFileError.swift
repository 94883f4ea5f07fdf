/// Why an image file could not be read.
public enum ImageFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The bytes are not a PNG or a PGM (P2/P5) image.
    case unknownFormat(firstBytes: [UInt8])
    /// The file ends before the image does.
    case truncated(format: String, detail: String)
    /// The file is damaged or contradicts itself.
    case malformed(format: String, detail: String)
    /// A valid image that digitty does not decode.
    case unsupported(format: String, detail: String)
    /// A zero-sized image, or one larger than `ImageFile.maximumSide` or `ImageFile.maximumPixels`.
    case badDimensions(format: String, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .unknownFormat(firstBytes):
            let shown = firstBytes.prefix(8).map { byte in
                (0x20 ..< 0x7f).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }.joined()
            return firstBytes.isEmpty
                ? "not an image: the file is empty"
                : "not an image: unrecognised format starting with \"\(shown)\" (expected PNG or PGM P2/P5)"
        case let .truncated(format, detail):
            return "truncated \(format) file: \(detail)"
        case let .malformed(format, detail):
            return "corrupt \(format) file: \(detail)"
        case let .unsupported(format, detail):
            return "unsupported \(format) file: \(detail)"
        case let .badDimensions(format, width, height):
            if width <= 0 || height <= 0 {
                return "\(format) image has no pixels (\(width)×\(height))"
            }
            return "\(format) image is too large (\(width)×\(height)); at most \(ImageFile.maximumSide) pixels a side "
                + "and \(ImageFile.maximumPixels / (1 << 20)) Mpixels (2048×2048) in all"
        }
    }
}
