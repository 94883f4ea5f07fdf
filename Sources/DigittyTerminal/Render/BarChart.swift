import Foundation

/// Ten probabilities as text bars, one row per digit: `▶ 7 ████████████████▌  97.3%`. The app's chart and
/// `digitty predict` both draw with it.
public struct BarChart: Sendable {
    let symbols: Symbols
    /// The width of a full (100%) bar in cells.
    let width: Int

    init(symbols: Symbols, width: Int) {
        self.symbols = symbols
        self.width = width
    }

    /// A chart with block characters (`unicode`) or `#` and `>` (ASCII).
    public init(unicode: Bool, width: Int = 40) {
        self.init(symbols: unicode ? .unicode : .ascii, width: width)
    }

    /// All ten rows, the `highlight`ed digit marked.
    public func render(_ probabilities: [Float], highlight: Int?) -> String {
        probabilities.indices.map { row(digit: $0, probability: probabilities[$0], highlighted: $0 == highlight) }
            .joined(separator: "\n")
    }

    /// One row; a nil probability (nothing read yet) shows an empty bar and a dash.
    func row(digit: Int, probability: Float?, highlighted: Bool) -> String {
        let marker = highlighted ? String(symbols.marker) : " "
        let value = probability.map { String(format: "%5.1f%%", Double($0) * 100) } ?? "     -"
        return "\(marker) \(digit) \(bar(probability ?? 0)) \(value)"
    }

    /// A horizontal bar of `width` cells for a probability, in eighths of a cell where the font allows.
    func bar(_ probability: Float) -> String {
        let clamped = min(max(probability.isFinite ? probability : 0, 0), 1)
        if symbols.eighths.isEmpty {
            let cells = Int((clamped * Float(width)).rounded())
            return String(repeating: symbols.fullBlock, count: cells) + String(repeating: " ", count: width - cells)
        }
        let eighths = Int((clamped * Float(width * 8)).rounded())
        var text = String(repeating: symbols.fullBlock, count: eighths / 8)
        if eighths % 8 > 0 { text.append(symbols.eighths[eighths % 8 - 1]) }
        return text + String(repeating: " ", count: max(0, width - text.count))
    }
}
