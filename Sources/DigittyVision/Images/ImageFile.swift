import DigittyEngine
import Foundation

/// Reading image files of any supported format (PNG, PGM P2/P5) into grey images, telling the format by its
/// first bytes. Colour becomes luminance and transparency is composited over white; values are as stored
/// (0 = black, 1 = white), so a scan of dark ink on paper stays dark-on-light.
public enum ImageFile {
    /// The largest width or height accepted, checked before any pixel memory is allocated.
    public static let maximumSide = 16_384
    /// The largest number of pixels accepted (4 Mpixels, 2048²): far more than a digit needs, and small enough
    /// that the largest image (16-bit RGBA) decodes in well under 100 MiB. Every reader of image files (the CLI,
    /// the app, the server) decodes through here, so this is the one limit.
    public static let maximumPixels = 2048 * 2048
    /// The largest file read (256 MiB).
    public static let maximumFileSize = 256 << 20

    /// Decodes a PNG or PGM image from its bytes.
    public static func decode(_ bytes: [UInt8]) throws(ImageFileError) -> GrayImage {
        if bytes.starts(with: PNG.signature) {
            return try PNG.decode(bytes)
        }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "5") {
            return try PGM.decode(bytes)
        }
        throw .unknownFormat(firstBytes: Array(bytes.prefix(8)))
    }

    /// Reads and decodes the image file at `url`.
    public static func load(contentsOf url: URL) throws(ImageFileError) -> GrayImage {
        try decode(readBytes(of: url))
    }

    /// Checks `width × height` against the limits before anything of that size is allocated.
    static func checkDimensions(_ width: Int, _ height: Int, format: String) throws(ImageFileError) {
        guard width > 0, height > 0, width <= maximumSide, height <= maximumSide, width * height <= maximumPixels else {
            throw .badDimensions(format: format, width: width, height: height)
        }
    }

    /// The file's bytes, refusing directories, unreadable paths and files over `maximumFileSize`.
    public static func readBytes(of url: URL) throws(ImageFileError) -> [UInt8] {
        do {
            return try FileBytes.read(url, maximumSize: maximumFileSize, tooLarge: "larger than \(maximumFileSize >> 20) MiB")
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
    }
}
