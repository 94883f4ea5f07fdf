import Foundation

/// Writing files so that readers see either the old contents or the new, never a part.
public enum AtomicFile {
    /// Writes `data` to a temporary file in the same directory, flushes it, and renames it over `url`. On any
    /// failure (a full disk, a file-size limit, an unwritable directory) the temporary file is removed, the old
    /// file is left as it was, and the error says why in the system's words ("No space left on device").
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
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

    /// The reason `errno` gives (after `prefix`), as an error whose description it is.
    private static func failure(_ prefix: String = "") -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: prefix + String(cString: strerror(errno))])
    }
}
