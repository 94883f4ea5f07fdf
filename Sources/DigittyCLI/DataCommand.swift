import ArgumentParser
import DigittyDownload
import DigittyVision
import Foundation

/// `digitty data …`: the MNIST files digitty trains and evaluates on.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Manage the MNIST data files.",
        subcommands: [FetchCommand.self]
    )
}

/// `digitty data fetch [--data DIR] [--mirror URL] [--timeout SECONDS]`
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download the four MNIST files, verified by SHA-256.",
        discussion: """
            Files go to --data DIR, else $DIGITTY_DATA, else $XDG_CACHE_HOME/digitty/mnist (~/.cache/digitty/mnist). \
            Files already there and valid are kept; a file appears under its name only once it is complete and \
            verified. Ctrl-C stops the download and keeps nothing partial (exit status 130).
            """
    )

    @Option(name: .long, help: "Directory for the MNIST files. Default: $DIGITTY_DATA, else the per-user cache.")
    var data: String?

    @Option(name: .long, help: "Base URL of an MNIST mirror holding the four .gz files.")
    var mirror: String = MNISTDownloader.defaultMirror.absoluteString

    @Option(name: .long, help: "Seconds without data before a download is given up.")
    var timeout: Double = 60

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        guard mirrorURL != nil else { throw ValidationError("--mirror \(mirror) is not an http or https URL") }
    }

    /// The mirror as a directory URL (with its trailing slash), if it is an http(s) URL.
    var mirrorURL: URL? {
        guard let url = URL(string: mirror.hasSuffix("/") ? mirror : mirror + "/"),
              ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else { return nil }
        return url
    }

    func run() async throws {
        let directory = MNISTLocation.resolve(explicit: data)
        let downloader = MNISTDownloader(directory: directory, mirror: mirrorURL!, timeout: timeout)
        let bar = DownloadProgressBar()
        let cancellation = Cancellation()
        let stop = StopSignal { cancellation.cancel() } // caught before the download starts
        let fetch = Task { try await downloader.fetch { bar.update($0) } }
        cancellation.attach(fetch)
        let outcomes: [MNISTDownloader.Outcome]
        do {
            outcomes = try await fetch.value
        } catch let error as DownloadError {
            bar.finish()
            if case .cancelled = error, stop.isRaised {
                FileHandle.standardError.write(Data("interrupted: \(error)\n".utf8))
                throw ExitCode(130)
            }
            throw CLIError(error.description)
        }
        bar.finish()
        for outcome in outcomes {
            switch outcome {
            case let .alreadyPresent(name): print("\(name): already present, SHA-256 verified")
            case let .downloaded(name, bytes): print("\(name): downloaded \(bytes) bytes, SHA-256 verified")
            }
        }
        print("MNIST data in \(directory.path)")
    }

    /// Cancels the fetch task on request, also when the request comes before the task exists.
    private final class Cancellation: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<[MNISTDownloader.Outcome], any Error>?
        private var requested = false

        func cancel() {
            lock.withLock {
                requested = true
                task?.cancel()
            }
        }

        func attach(_ task: Task<[MNISTDownloader.Outcome], any Error>) {
            lock.withLock {
                self.task = task
                if requested { task.cancel() }
            }
        }
    }
}
