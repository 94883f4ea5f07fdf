import Foundation

/// Ten probabilities as text bars, one row per digit: `7 ████████████████▌ 97.3%`.
struct BarChart {
    /// Whether to use block characters (else `#` and `=`).
    let unicode: Bool
    /// The width of a full (100%) bar in columns.
    var width = 40

    func render(_ probabilities: [Float], highlight: Int? = nil) -> String {
        probabilities.enumerated().map { digit, probability in
            let marker = digit == highlight ? ">" : " "
            let percent = String(format: "%5.1f%%", Double(probability) * 100)
            return "\(marker)\(digit) \(bar(Double(probability))) \(percent)"
        }.joined(separator: "\n")
    }

    /// A bar of `fraction × width` columns, in eighths of a column with block characters.
    func bar(_ fraction: Double) -> String {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighths = Int((clamped * Double(width) * 8).rounded())
        let full = eighths / 8, rest = eighths % 8
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        let filled = unicode ? String(repeating: "█", count: full) + partials[rest]
                             : String(repeating: "#", count: full) + (rest >= 4 ? "=" : "")
        let used = full + (unicode ? (rest > 0 ? 1 : 0) : (rest >= 4 ? 1 : 0))
        return filled + String(repeating: " ", count: max(0, width - used))
    }
}

/// What the user's terminal can show.
enum TerminalText {
    /// True when the locale's character set is UTF-8 (LC_ALL, then LC_CTYPE, then LANG).
    static func supportsUnicode(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        for key in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                let upper = value.uppercased()
                return upper.contains("UTF-8") || upper.contains("UTF8")
            }
        }
        return false
    }
}
