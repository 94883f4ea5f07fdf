import ArgumentParser
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

/// `digitty data fetch [--data DIR] [--mirror URL]`
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download the four MNIST files, verified by SHA-256.",
        discussion: """
            Files go to --data DIR, else $DIGITTY_DATA, else $XDG_CACHE_HOME/digitty/mnist (~/.cache/digitty/mnist). \
            Files already there and valid are kept; a file appears under its name only once it is complete and verified.
            """
    )

    @Option(name: .long, help: "Directory for the MNIST files. Default: $DIGITTY_DATA, else the per-user cache.")
    var data: String?

    @Option(name: .long, help: "Base URL of an MNIST mirror holding the four .gz files.")
    var mirror: String = MNISTDownloader.defaultMirror.absoluteString

    func run() async throws {
        guard let mirrorURL = URL(string: mirror.hasSuffix("/") ? mirror : mirror + "/"), mirrorURL.scheme != nil else {
            throw CLIError("--mirror \(mirror) is not a URL")
        }
        let directory = MNISTLocation.resolve(explicit: data)
        let downloader = MNISTDownloader(directory: directory, mirror: mirrorURL)
        let bar = DownloadProgressBar()
        let outcomes: [MNISTDownloader.Outcome]
        do {
            outcomes = try await downloader.fetch { bar.update($0) }
        } catch {
            bar.finish()
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
}

/// A progress bar on stderr for downloads: redrawn in place on a terminal, one line per file otherwise.
final class DownloadProgressBar: @unchecked Sendable {
    private let line = ProgressLine()
    private let lock = NSLock()
    private var current = ""
    private var unfinished: String?

    func update(_ progress: MNISTDownloader.Progress) {
        lock.lock()
        defer { lock.unlock() }
        let done = progress.expected.map { progress.received >= $0 } ?? false
        let text: String
        if let expected = progress.expected, expected > 0 {
            let fraction = min(1, Double(progress.received) / Double(expected))
            let filled = Int(fraction * 30)
            text = "\(progress.file) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                + String(format: "] %3d%%  %.1f/%.1f MB", Int(fraction * 100), Double(progress.received) / 1e6, Double(expected) / 1e6)
        } else {
            text = String(format: "%@  %.1f MB", progress.file, Double(progress.received) / 1e6)
        }
        if done {
            line.print(text) // the finished file's bar stays on screen
            unfinished = nil
        } else {
            line.update(text, force: progress.file != current)
            unfinished = text
        }
        current = progress.file
    }

    /// Leaves a partly drawn bar on screen as it stood (before an error message).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if let unfinished { line.print(unfinished) }
        unfinished = nil
    }
}
