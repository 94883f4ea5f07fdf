import DigittyEngine
import DigittyTraining
import Foundation

/// A one-line live status on stderr, redrawn in place on a terminal (at most every 0.2 s) or printed every
/// 30 s when stderr is a file or pipe.
final class ProgressLine {
    /// Whether stderr is a terminal (the line is redrawn in place).
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDraw = Date.distantPast
    private var width = 0

    func update(_ text: String, force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= (isTerminal ? 0.2 : 30) else { return }
        lastDraw = now
        if isTerminal {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            FileHandle.standardError.write(Data(("\r" + text + padding).utf8))
            width = text.count
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// Ends the live line and prints `text` on its own line.
    func print(_ text: String) {
        if isTerminal && width > 0 {
            FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8))
            width = 0
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }

    static func describe(_ progress: TrainingProgress) -> String {
        "epoch \(progress.epoch)/\(progress.epochs)  batch \(progress.batch)/\(progress.batches)  "
            + String(format: "loss %.4f  accuracy %.2f%%  ", progress.loss, progress.accuracy * 100)
            + "\(Int(progress.imagesPerSecond)) images/s  ETA \(duration(progress.remainingSeconds))"
    }
}
