import DigittyDownload
import DigittyVision
import Foundation

/// Download progress on stderr: on a terminal, a bar redrawn in place that stays on screen when its file is
/// done; otherwise one plain line as each file starts.
final class DownloadProgressBar: @unchecked Sendable {
    private let line = ProgressLine()
    private let lock = NSLock()
    private var current = ""
    private var unfinished: String?

    func update(_ progress: MNISTDownloader.Progress) {
        lock.lock()
        defer { lock.unlock() }
        let isNewFile = progress.file != current
        current = progress.file
        guard line.isTerminal else {
            if isNewFile { line.print("\(progress.file): downloading\(progress.expected.map { " " + Self.size($0) } ?? "")") }
            return
        }
        let text: String
        if let expected = progress.expected, expected > 0 {
            let fraction = min(1, Double(progress.received) / Double(expected))
            let filled = Int(fraction * 30)
            text = "\(progress.file) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                + "] " + String(format: "%3d%%  ", Int(fraction * 100))
                + "\(Self.size(progress.received)) of \(Self.size(expected))"
        } else {
            text = "\(progress.file)  " + Self.size(progress.received)
        }
        if let expected = progress.expected, progress.received >= expected {
            line.print(text) // the finished file's bar stays on screen
            unfinished = nil
        } else {
            line.update(text, force: isNewFile)
            unfinished = text
        }
    }

    /// Leaves a partly drawn bar on screen as it stood (before an error message).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if let unfinished { line.print(unfinished) }
        unfinished = nil
    }

    /// `bytes` in kB below a megabyte, else in MB.
    static func size(_ bytes: Int) -> String {
        bytes < 1_000_000 ? String(format: "%.1f kB", Double(bytes) / 1e3) : String(format: "%.1f MB", Double(bytes) / 1e6)
    }
}
