import Foundation

/// Reading a whole file into memory, refusing directories and files over a size limit, and saying in a few words
/// why a file cannot be read: "no such file", "it is a directory", "permission denied", the system's words for
/// any other failure ("No such device or address" for a socket), or the caller's words for a file that is too
/// large. (The reading counterpart of `AtomicFile`.)
public enum FileBytes {
    /// Why a file could not be read, in a few words.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The bytes of the file at `url`, at most `maximumSize` of them; a larger file is refused with the reason
    /// `tooLarge`, before reading when its size is known, else once more than `maximumSize` bytes have come.
    ///
    /// The file is opened without blocking, so that a FIFO nobody writes to reads as empty instead of hanging.
    public static func read(_ url: URL, maximumSize: Int, tooLarge: @autoclosure () -> String) throws(Failure) -> [UInt8] {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure() }
        let type = status.st_mode & S_IFMT
        guard type != S_IFDIR else { throw Failure(reason: "it is a directory") }
        if type == S_IFREG, Int(status.st_size) > maximumSize { throw Failure(reason: tooLarge()) }
        // Reads block again from here: a pipe's writer is waited for.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        var bytes: [UInt8] = []
        if type == S_IFREG { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= maximumSize {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure() }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
        throw Failure(reason: tooLarge())
    }

    /// The reason `errno` gives, in the words the rest of digitty uses for the common cases.
    private static func failure() -> Failure {
        switch errno {
        case ENOENT, ENOTDIR: Failure(reason: "no such file")
        case EACCES, EPERM: Failure(reason: "permission denied")
        case EISDIR: Failure(reason: "it is a directory")
        case let code: Failure(reason: String(cString: strerror(code)))
        }
    }
}
