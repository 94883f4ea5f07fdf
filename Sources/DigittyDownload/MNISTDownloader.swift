import DigittyVision
import Foundation

/// Downloads the MNIST files into a data directory, checking each against its SHA-256. A file appears under its
/// final name only once it is complete and verified (it is written to a temporary file in the same directory,
/// checked, then renamed); files already present and valid are kept without asking the server.
public struct MNISTDownloader: Sendable {
    /// A file to fetch and the lower-case hex SHA-256 it must have.
    public struct File: Sendable, Equatable {
        public var name: String
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    /// What happened to one file.
    public enum Outcome: Sendable, Equatable {
        case alreadyPresent(String)
        case downloaded(String, bytes: Int)
    }

    /// Where a download stands: `received` of `expected` bytes (nil when the server does not say).
    public struct Progress: Sendable, Equatable {
        public var file: String
        public var received: Int
        public var expected: Int?
    }

    /// A public mirror of the original files (the one torchvision uses).
    public static let defaultMirror = URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!

    /// The four original MNIST files and their SHA-256.
    public static let mnistFiles = [
        File(name: "train-images-idx3-ubyte.gz", sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        File(name: "train-labels-idx1-ubyte.gz", sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        File(name: "t10k-images-idx3-ubyte.gz", sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        File(name: "t10k-labels-idx1-ubyte.gz", sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ]

    public let directory: URL
    public let mirror: URL
    public let files: [File]
    /// Seconds without data (connecting included) before a download is given up.
    public var timeout: TimeInterval

    public init(directory: URL, mirror: URL = defaultMirror, files: [File] = mnistFiles, timeout: TimeInterval = 60) {
        self.directory = directory
        self.mirror = mirror
        self.files = files
        self.timeout = timeout
    }

    /// The URL a file is fetched from.
    public func url(of file: File) -> URL {
        mirror.appendingPathComponent(file.name)
    }

    /// Fetches every file that is missing or invalid, reporting progress as data arrives. Stops at the first
    /// failure; files fetched before it stay (they are complete and verified). Cancelling the task stops the
    /// download in progress and removes its temporary file.
    public func fetch(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws(DownloadError) -> [Outcome] {
        try Self.makeDirectory(directory.standardizedFileURL.path)
        removeStaleTemporaries()
        var outcomes: [Outcome] = []
        for file in files {
            let destination = directory.appendingPathComponent(file.name)
            if Self.isValid(destination, sha256: file.sha256) {
                outcomes.append(.alreadyPresent(file.name))
                continue
            }
            let bytes = try await download(file, to: destination, progress: progress)
            outcomes.append(.downloaded(file.name, bytes: bytes))
        }
        return outcomes
    }

    /// Whether `url` exists with the given SHA-256.
    public static func isValid(_ url: URL, sha256: String) -> Bool {
        (try? SHA256.hex(contentsOf: url)) == sha256.lowercased()
    }

    /// Deletes temporary files that a killed fetch left behind: those of our files untouched for longer than the
    /// timeout (a live download writes more often than that, or gives up).
    private func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        let cutoff = Date().addingTimeInterval(-max(timeout, 1))
        for name in names where name.hasSuffix(".part") && files.contains(where: { name.hasPrefix(".\($0.name).") }) {
            let path = directory.appendingPathComponent(name).path
            if let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
               modified < cutoff {
                unlink(path)
            }
        }
    }

    /// Streams `file` into a temporary file beside `destination`, checks it, and renames it into place; the
    /// temporary file is removed on any failure.
    private func download(_ file: File, to destination: URL,
                          progress: @escaping @Sendable (Progress) -> Void) async throws(DownloadError) -> Int {
        let temporary = directory.appendingPathComponent(".\(file.name).\(UUID().uuidString).part")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .filesystem(path: directory.path, reason: String(cString: strerror(errno)))
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do throws(DownloadError) {
            let transfer = HTTPFileTransfer(url: url(of: file), into: handle, name: file.name, path: destination.path,
                                            timeout: timeout, progress: progress)
            let (received, digest) = try await transfer.run()
            try? handle.close()
            guard digest == file.sha256.lowercased() else {
                throw DownloadError.checksumMismatch(file: file.name, expected: file.sha256.lowercased(), actual: digest)
            }
            guard rename(temporary.path, destination.path) == 0 else {
                throw DownloadError.filesystem(path: destination.path, reason: String(cString: strerror(errno)))
            }
            return received
        } catch {
            try? handle.close()
            unlink(temporary.path)
            throw error
        }
    }

    /// Creates `path` and its missing parents; the error names the part that failed and why.
    private static func makeDirectory(_ path: String) throws(DownloadError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .filesystem(path: path, reason: "not a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .filesystem(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Why a file operation failed, in words.
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(error.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return error.localizedDescription
    }
}
