import DigittyEngine
import Foundation

/// The drawings a person taught digitty: one folder per digit (`0` … `9`) holding each drawing as a PNG of the
/// 28×28 canvas, ink white on black. The app saves into it; `digitty tune` reads it.
///
/// Saving writes a new file atomically under a name no other process picks (time, process id and a random
/// part), so two app instances saving at once lose nothing. Loading never fails on a file: corrupt or foreign
/// ones are listed with the reason and skipped.
public struct DrawingStore: Sendable {
    /// The canvas side every drawing has.
    public static let side = 28

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// One drawing with the digit it was taught as.
    public struct Drawing: Sendable, Equatable {
        public let image: GrayImage
        public let digit: Int
        public let file: URL
    }

    /// What the folder holds: the drawings (in a fixed order: digit, then file name), the files skipped and
    /// why, and a SHA-256 over the drawings' digits and bytes (the same drawings give the same checksum).
    public struct Contents: Sendable {
        public var drawings: [Drawing]
        public var skipped: [(file: URL, reason: String)]
        public var checksum: String

        /// Drawings per digit, digit 0 first.
        public var counts: [Int] {
            drawings.reduce(into: [Int](repeating: 0, count: 10)) { $0[$1.digit] += 1 }
        }
    }

    /// Saves `canvas` as a drawing of `digit`; returns the new file.
    @discardableResult
    public func save(_ canvas: GrayImage, as digit: Int) throws(DrawingStoreError) -> URL {
        guard (0...9).contains(digit) else { throw .notADigit(digit) }
        guard canvas.width == Self.side, canvas.height == Self.side else {
            throw .wrongSize(width: canvas.width, height: canvas.height)
        }
        guard MNISTPreprocessing.prepare(canvas) != nil else { throw .emptyCanvas }
        let folder = directory.appendingPathComponent(String(digit), isDirectory: true)
        let file = folder.appendingPathComponent(Self.newFileName())
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write(Data(PNG.encode(canvas)), to: file)
        } catch {
            throw .cannotSave(path: file.path, reason: Self.reason(error))
        }
        return file
    }

    /// `20261207-041502-12345-9f3a6c1e.png`: sortable by time, unique across processes and saves.
    static func newFileName() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let random = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return "\(formatter.string(from: Date()))-\(getpid())-\(random).png"
    }

    /// Reads every drawing; a missing folder holds none.
    public func load() -> Contents {
        var drawings: [Drawing] = [], skipped: [(file: URL, reason: String)] = []
        let manager = FileManager.default
        let entries = ((try? manager.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        for entry in entries where !entry.hasPrefix(".") {
            let url = directory.appendingPathComponent(entry)
            guard let digit = Int(entry), (0...9).contains(digit), String(digit) == entry, Self.isDirectory(url) else {
                skipped.append((url, "not a digit's folder (0 … 9)"))
                continue
            }
            // Hidden files are other instances' writes in progress (AtomicFile's temporary files).
            for name in ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).sorted() where !name.hasPrefix(".") {
                let file = url.appendingPathComponent(name)
                switch Self.read(file) {
                case let .success(image): drawings.append(Drawing(image: image, digit: digit, file: file))
                case let .failure(reason): skipped.append((file, reason.description))
                }
            }
        }
        var hash = SHA256()
        for drawing in drawings {
            hash.update([UInt8(drawing.digit)])
            hash.update(drawing.image.bytes)
        }
        return Contents(drawings: drawings, skipped: skipped, checksum: SHA256.hexString(hash.finalize()))
    }

    /// Drawings per digit, without decoding them (for the app's confirmation line).
    public func counts() -> [Int] {
        (0...9).map { digit in
            let folder = directory.appendingPathComponent(String(digit)).path
            return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".png") }.count
        }
    }

    private static func read(_ file: URL) -> Result<GrayImage, DrawingStoreError> {
        guard file.pathExtension.lowercased() == "png", !isDirectory(file) else { return .failure(.foreign) }
        let image: GrayImage
        do {
            image = try ImageFile.load(contentsOf: file)
        } catch {
            return .failure(.unreadable(error.description))
        }
        guard image.width == side, image.height == side else { return .failure(.wrongSize(width: image.width, height: image.height)) }
        guard MNISTPreprocessing.prepare(image) != nil else { return .failure(.emptyCanvas) }
        return .success(image)
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    private static func reason(_ error: any Error) -> String {
        (error as? CocoaError)?.userInfo[NSLocalizedDescriptionKey] as? String ?? error.localizedDescription
    }
}

/// Why a drawing could not be saved or read, in one line.
public enum DrawingStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyCanvas
    case notADigit(Int)
    case wrongSize(width: Int, height: Int)
    case cannotSave(path: String, reason: String)
    case unreadable(String)
    case foreign

    public var description: String {
        switch self {
        case .emptyCanvas: "the canvas is empty: draw the digit first"
        case let .notADigit(value): "\(value) is not a digit 0 … 9"
        case let .wrongSize(width, height): "a drawing is \(DrawingStore.side)×\(DrawingStore.side), this is \(width)×\(height)"
        case let .cannotSave(path, reason): "cannot save \(path): \(reason)"
        case let .unreadable(reason): reason
        case .foreign: "not a drawing (drawings are .png files)"
        }
    }
}
