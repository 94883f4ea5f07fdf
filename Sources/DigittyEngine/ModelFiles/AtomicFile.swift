import Foundation

/// Writing files so that readers see either the old contents or the new, never a part.
public enum AtomicFile {
    /// Writes `data` to a temporary file in the same directory, flushes it, and renames it over `url`. On any
    /// failure (a full disk, a file-size limit, an unwritable directory) the temporary file is removed, the old
    /// file is left as it was, and the error says why in the system's words ("No space left on device").
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")  // see `removeLeftovers`
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(directory.path): ") }
        var written = 0
        let complete = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
        guard complete, fsync(descriptor) == 0 else {
            let error = failure()
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard close(descriptor) == 0, rename(temporary.path, url.path) == 0 else {
            let error = failure()
            unlink(temporary.path)
            throw error
        }
    }

    /// Removes the temporary files that writes to `url` left beside it when their process was killed mid-write
    /// (`.<name>.<UUID>.tmp`: nothing else removes them), and returns their paths. Only for a file that no other
    /// process is writing at the same time.
    @discardableResult
    public static func removeLeftovers(of url: URL) -> [String] {
        let directory = url.deletingLastPathComponent()
        let prefix = "." + url.lastPathComponent + ".", suffix = ".tmp"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            name.hasPrefix(prefix) && name.hasSuffix(suffix)
                && UUID(uuidString: String(name.dropFirst(prefix.count).dropLast(suffix.count))) != nil
        }.map { directory.appendingPathComponent($0).path }.filter { unlink($0) == 0 }
    }

    /// The reason `errno` gives (after `prefix`), as an error whose description it is.
    private static func failure(_ prefix: String = "") -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: prefix + String(cString: strerror(errno))])
    }
}
