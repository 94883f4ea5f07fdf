import Foundation

/// Reading a whole file into memory, refusing directories and files over a size limit, and saying in a few words
/// why a file cannot be read: "no such file", "it is a directory", "permission denied", or the caller's words for
/// a file that is too large. (The reading counterpart of `AtomicFile`.)
public enum FileBytes {
    /// Why a file could not be read, in a few words.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The bytes of the file at `url`, at most `maximumSize` of them; a larger file is refused with the reason
    /// `tooLarge`, before reading when its size is known, else once more than `maximumSize` bytes have come.
    public static func read(_ url: URL, maximumSize: Int, tooLarge: @autoclosure () -> String) throws(Failure) -> [UInt8] {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Failure(reason: "no such file") }
        guard !isDirectory.boolValue else { throw Failure(reason: "it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw Failure(reason: "permission denied") }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maximumSize {
            throw Failure(reason: tooLarge())
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumSize < Int.max ? maximumSize + 1 : maximumSize) ?? Data()
        } catch {
            throw Failure(reason: (error as NSError).localizedDescription)
        }
        guard data.count <= maximumSize else { throw Failure(reason: tooLarge()) }
        return [UInt8](data)
    }
}
