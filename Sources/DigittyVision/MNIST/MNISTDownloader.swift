import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads the MNIST files into a data directory, checking each against its SHA-256. A file appears under its
/// final name only once it is complete and verified (it is written to a temporary file in the same directory,
/// checked, then renamed); files already present and valid are kept.
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
    public struct Progress: Sendable {
        public var file: String
        public var received: Int
        public var expected: Int?
    }

    /// A public mirror of the original files.
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
    /// Seconds without data before a download is given up.
    public var timeout: TimeInterval = 60

    public init(directory: URL, mirror: URL = defaultMirror, files: [File] = mnistFiles) {
        self.directory = directory
        self.mirror = mirror
        self.files = files
    }

    /// Fetches every file that is missing or invalid, reporting progress as data arrives. Stops at the first
    /// failure; files fetched before it stay (they are complete and verified).
    public func fetch(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws(DownloadError) -> [Outcome] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .filesystem(path: directory.path, reason: (error as NSError).localizedDescription)
        }
        var outcomes: [Outcome] = []
        for file in files {
            let destination = directory.appendingPathComponent(file.name)
            if Self.isValid(destination, sha256: file.sha256) {
                outcomes.append(.alreadyPresent(file.name))
                continue
            }
            let url = mirror.appendingPathComponent(file.name)
            let bytes = try await download(url, to: destination, file: file, progress: progress)
            outcomes.append(.downloaded(file.name, bytes: bytes))
        }
        return outcomes
    }

    /// Whether `url` exists with the given SHA-256.
    public static func isValid(_ url: URL, sha256: String) -> Bool {
        guard let hash = try? sha256Hex(of: url) else { return false }
        return hash == sha256.lowercased()
    }

    /// The SHA-256 of a file, read in pieces.
    public static func sha256Hex(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            hasher.update([UInt8](data))
        }
        return SHA256.hexString(hasher.finalize())
    }

    private func download(_ url: URL, to destination: URL, file: File,
                          progress: @escaping @Sendable (Progress) -> Void) async throws(DownloadError) -> Int {
        let temporary = directory.appendingPathComponent(".\(file.name).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: temporary) else {
            throw .filesystem(path: directory.path, reason: "cannot create a file there")
        }
        let task = DownloadTask(url: url, name: file.name, handle: handle, progress: progress)
        let result = await task.run(timeout: timeout)
        try? handle.close()
        do throws(DownloadError) {
            let (received, digest) = try result.get()
            guard digest == file.sha256.lowercased() else {
                throw DownloadError.checksumMismatch(file: file.name, expected: file.sha256.lowercased(), actual: digest)
            }
            guard rename(temporary.path, destination.path) == 0 else {
                throw DownloadError.filesystem(path: destination.path, reason: String(cString: strerror(errno)))
            }
            return received
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

/// Why a download failed.
public enum DownloadError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an HTTP error status.
    case http(url: String, status: Int)
    /// The connection failed or broke off.
    case network(url: String, reason: String)
    /// The data arrived but is not the expected file.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The file could not be written.
    case filesystem(path: String, reason: String)

    public var description: String {
        switch self {
        case let .http(url, status):
            return "download failed: \(url) answered HTTP \(status)"
        case let .network(url, reason):
            return "download failed: \(url): \(reason)"
        case let .checksumMismatch(file, expected, actual):
            return "download of \(file) is corrupt: SHA-256 \(actual), expected \(expected) (nothing was kept)"
        case let .filesystem(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}

/// One HTTP download streamed into a file handle, hashing as it goes. The URLSession delegate calls arrive on
/// one serial queue, so the mutable state is only touched there.
private final class DownloadTask: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let name: String
    private let handle: FileHandle
    private let progress: @Sendable (MNISTDownloader.Progress) -> Void
    private var hasher = SHA256()
    private var received = 0
    private var expected: Int?
    private var failure: DownloadError?
    private var continuation: CheckedContinuation<Result<(Int, String), DownloadError>, Never>?

    init(url: URL, name: String, handle: FileHandle, progress: @escaping @Sendable (MNISTDownloader.Progress) -> Void) {
        self.url = url
        self.name = name
        self.handle = handle
        self.progress = progress
    }

    func run(timeout: TimeInterval) async -> Result<(Int, String), DownloadError> {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        return await withCheckedContinuation { continuation in
            queue.addOperation {
                self.continuation = continuation
                session.dataTask(with: self.url).resume()
            }
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200 ..< 300).contains(http.statusCode) {
            failure = .http(url: url.absoluteString, status: http.statusCode)
            completionHandler(.cancel)
            return
        }
        expected = response.expectedContentLength >= 0 ? Int(response.expectedContentLength) : nil
        progress(.init(file: name, received: 0, expected: expected))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            failure = .filesystem(path: name, reason: (error as NSError).localizedDescription)
            dataTask.cancel()
            return
        }
        hasher.update([UInt8](data))
        received += data.count
        progress(.init(file: name, received: received, expected: expected))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let result: Result<(Int, String), DownloadError>
        if let failure {
            result = .failure(failure)
        } else if let error {
            result = .failure(.network(url: url.absoluteString, reason: (error as NSError).localizedDescription))
        } else if let expected, received != expected {
            result = .failure(.network(url: url.absoluteString, reason: "the connection closed after \(received) of \(expected) bytes"))
        } else {
            do {
                try handle.synchronize()
                result = .success((received, SHA256.hexString(hasher.finalize())))
            } catch {
                result = .failure(.filesystem(path: name, reason: (error as NSError).localizedDescription))
            }
        }
        continuation?.resume(returning: result)
        continuation = nil
    }
}
