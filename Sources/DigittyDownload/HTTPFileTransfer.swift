import DigittyVision
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET streamed into an open file, hashed as the bytes arrive. URLSession calls the delegate methods
/// on one serial queue, and cancellation is queued there too, so the mutable state is only touched on it.
final class HTTPFileTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let handle: FileHandle
    private let name: String
    private let path: String
    private let timeout: TimeInterval
    private let progress: @Sendable (MNISTDownloader.Progress) -> Void
    private let queue: OperationQueue = {
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        return queue
    }()

    // Touched only on `queue`.
    private var hasher = SHA256()
    private var received = 0
    private var expected: Int?
    private var failure: DownloadError?
    private var continuation: CheckedContinuation<Result<(Int, String), DownloadError>, Never>?

    /// A transfer of `url` into `handle`, given up after `timeout` seconds without data. Progress is reported
    /// under `name`; write errors name `path` (the file's final path).
    init(url: URL, into handle: FileHandle, name: String, path: String, timeout: TimeInterval,
         progress: @escaping @Sendable (MNISTDownloader.Progress) -> Void) {
        self.url = url
        self.handle = handle
        self.name = name
        self.path = path
        self.timeout = timeout
        self.progress = progress
    }

    /// Downloads the whole body and returns its size and SHA-256 (lower-case hex). Fails on a timeout, an HTTP
    /// error status, a connection that breaks off, a write error, and when the task is cancelled.
    func run() async throws(DownloadError) -> (bytes: Int, sha256: String) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: url)
        let result: Result<(Int, String), DownloadError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.addOperation {
                    if let failure = self.failure { // cancelled before it started
                        continuation.resume(returning: Result.failure(failure))
                        return
                    }
                    self.continuation = continuation
                    task.resume()
                }
            }
        } onCancel: {
            queue.addOperation {
                self.finish(.failure(.cancelled(url: self.url.absoluteString)))
                task.cancel()
            }
        }
        return try result.get()
    }

    /// Records the first outcome and hands it to the waiting caller (later ones are ignored).
    private func finish(_ result: Result<(Int, String), DownloadError>) {
        if failure == nil, case let .failure(error) = result { failure = error }
        continuation?.resume(returning: result)
        continuation = nil
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200 ..< 300).contains(http.statusCode) {
            finish(.failure(.http(url: url.absoluteString, status: http.statusCode)))
            completionHandler(.cancel)
            dataTask.cancel() // Foundation on Linux ignores the disposition
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
            finish(.failure(.filesystem(path: path, reason: MNISTDownloader.reason(error))))
            dataTask.cancel()
            return
        }
        hasher.update([UInt8](data))
        received += data.count
        progress(.init(file: name, received: received, expected: expected))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard failure == nil else { return }
        if let error {
            finish(.failure(.network(url: url.absoluteString, reason: describe(error as NSError))))
        } else if let expected, received != expected {
            finish(.failure(.network(url: url.absoluteString,
                                     reason: "the connection closed after \(received) of \(expected) bytes")))
        } else {
            do {
                try handle.synchronize()
                finish(.success((received, SHA256.hexString(hasher.finalize()))))
            } catch {
                finish(.failure(.filesystem(path: path, reason: MNISTDownloader.reason(error))))
            }
        }
    }

    /// A transport error in words; Foundation on Linux leaves some of them without a description.
    private func describe(_ error: NSError) -> String {
        if error.domain == NSURLErrorDomain, error.code == NSURLErrorTimedOut {
            return "no data for \(Int(timeout)) s (timed out)"
        }
        if let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.isEmpty { return text }
        return "\(error.domain) error \(error.code)"
    }
}
