import DigittyEngine
import Foundation

/// An IDX file of unsigned bytes as MNIST uses them: images (magic 0x00000803: count, rows, columns) or labels
/// (magic 0x00000801: count). Raw or gzip-compressed (told apart by the gzip magic bytes).
public struct IDXFile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case images(rows: Int, columns: Int)
        case labels
    }

    public let kind: Kind
    /// The number of images or labels.
    public let count: Int
    /// The items' bytes one after another: `count × rows × columns` pixels (0 = background, 255 = ink), or
    /// `count` labels.
    public let data: [UInt8]

    /// The largest decompressed IDX file accepted (512 MiB); larger would be no MNIST-like set.
    public static let maximumSize = 512 << 20
    /// The largest image side accepted.
    public static let maximumSide = 4096

    /// Bytes per item: `rows × columns` for images, 1 for labels.
    public var itemSize: Int {
        if case let .images(rows, columns) = kind { return rows * columns }
        return 1
    }

    /// Image `index` of an image file (0 = background, 1 = ink, as MNIST).
    public func image(at index: Int) -> GrayImage {
        guard case let .images(rows, columns) = kind else { preconditionFailure("image(at:) on a label file") }
        precondition(index >= 0 && index < count, "image \(index) of \(count)")
        return GrayImage(width: columns, height: rows, bytes: Array(data[index * itemSize ..< (index + 1) * itemSize]))
    }

    /// Reads the IDX file at `url`.
    public static func load(contentsOf url: URL) throws(MNISTError) -> IDXFile {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(url, maximumSize: maximumSize, tooLarge: "larger than \(maximumSize >> 20) MiB")
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try decode(bytes, name: url.path)
    }

    /// Decodes IDX bytes, raw or gzip; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String = "IDX data") throws(MNISTError) -> IDXFile {
        var raw = bytes
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b {
            do {
                raw = try Zlib.inflate(bytes[...], container: .gzip, limit: maximumSize)
            } catch {
                switch error {
                case .tooLarge:
                    throw .invalid(file: name, reason: "decompresses to more than \(maximumSize >> 20) MiB")
                case .truncated(let produced):
                    throw .invalid(file: name, reason: "truncated gzip data (the stream ends after \(produced) bytes)")
                case .corrupt(let message):
                    throw .invalid(file: name, reason: "corrupt gzip data (\(message))")
                }
            }
        }
        guard raw.count >= 8 else {
            throw .invalid(file: name, reason: "too short for an IDX header (\(raw.count) bytes)")
        }
        let magic = BigEndian.uint32(raw, at: 0)
        let count = Int(BigEndian.uint32(raw, at: 4))
        let kind: Kind
        let headerSize: Int
        switch magic {
        case 0x0000_0803:
            guard raw.count >= 16 else { throw .invalid(file: name, reason: "truncated IDX image header") }
            let rows = Int(BigEndian.uint32(raw, at: 8))
            let columns = Int(BigEndian.uint32(raw, at: 12))
            guard (1 ... maximumSide).contains(rows), (1 ... maximumSide).contains(columns) else {
                throw .invalid(file: name, reason: "images of \(rows)×\(columns) pixels (each side must be 1…\(maximumSide))")
            }
            kind = .images(rows: rows, columns: columns)
            headerSize = 16
        case 0x0000_0801:
            kind = .labels
            headerSize = 8
        default:
            throw .invalid(file: name, reason: "not an MNIST IDX file: magic number 0x\(String(format: "%08x", magic)) "
                + "(expected 0x00000803 for images or 0x00000801 for labels)")
        }
        let itemSize = headerSize == 16 ? Int(BigEndian.uint32(raw, at: 8)) * Int(BigEndian.uint32(raw, at: 12)) : 1
        let expected = count.multipliedReportingOverflow(by: itemSize)
        guard !expected.overflow, expected.partialValue == raw.count - headerSize else {
            let what = headerSize == 16 ? "images" : "labels"
            let have = raw.count - headerSize
            let detail = have < expected.partialValue || expected.overflow ? "truncated" : "has \(have - expected.partialValue) bytes too many"
            throw .invalid(file: name, reason: "\(detail): the header declares \(count) \(what) (\(count) × \(itemSize) bytes) "
                + "but \(have) bytes of data follow")
        }
        let data = Array(raw[headerSize...])
        if kind == .labels, let bad = data.firstIndex(where: { $0 > 9 }) {
            throw .invalid(file: name, reason: "label \(bad) is \(data[bad]), not a digit 0…9")
        }
        return IDXFile(kind: kind, count: count, data: data)
    }

    /// The file's bytes as IDX (uncompressed); `gzip` compresses them as a `.gz` file.
    public func encoded(gzip: Bool = false) -> [UInt8] {
        var bytes: [UInt8]
        switch kind {
        case let .images(rows, columns):
            bytes = BigEndian.bytes(0x803) + BigEndian.bytes(UInt32(count)) + BigEndian.bytes(UInt32(rows)) + BigEndian.bytes(UInt32(columns))
        case .labels:
            bytes = BigEndian.bytes(0x801) + BigEndian.bytes(UInt32(count))
        }
        bytes += data
        return gzip ? Zlib.deflate(bytes, container: .gzip) : bytes
    }

    /// An image file from `count × rows × columns` pixels.
    public init(images data: [UInt8], rows: Int, columns: Int) {
        precondition(rows > 0 && columns > 0 && data.count % (rows * columns) == 0, "pixels must fill whole images")
        self.init(kind: .images(rows: rows, columns: columns), count: data.count / (rows * columns), data: data)
    }

    /// A label file.
    public init(labels: [UInt8]) {
        self.init(kind: .labels, count: labels.count, data: labels)
    }

    private init(kind: Kind, count: Int, data: [UInt8]) {
        self.kind = kind
        self.count = count
        self.data = data
    }
}
