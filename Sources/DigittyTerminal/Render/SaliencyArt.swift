/// A saliency map as text: one character per pixel, denser for a larger effect, `+`-like characters for ink
/// that pushed the answer towards the label and `-`-like ones for ink that pushed it away. Effects below a
/// tenth of the largest are left blank, so the picture shows the strokes that decided.
public struct SaliencyArt: Sendable {
    /// Characters for growing effects towards the label, and away from it.
    let towards: [Character]
    let away: [Character]

    public init(unicode: Bool) {
        towards = unicode ? ["·", "+", "▒", "█"] : [".", "+", "*", "#"]
        away = unicode ? ["˙", "-", "=", "≡"] : ["'", "-", "=", "~"]
    }

    /// The character for `value` when the largest effect in the map is `largest` (> 0).
    func character(_ value: Float, largest: Float) -> Character {
        let share = abs(value) / largest
        guard share.isFinite, share >= 0.1 else { return " " }
        let level = share < 0.25 ? 0 : share < 0.5 ? 1 : share < 0.75 ? 2 : 3
        return value > 0 ? towards[level] : away[level]
    }

    /// The map (`width` values a row) as lines of text, two characters per pixel so it keeps its shape.
    public func render(_ saliency: [Float], width: Int) -> String {
        guard width > 0 else { return "" }
        let largest = saliency.lazy.map { abs($0) }.filter(\.isFinite).max() ?? 0
        return stride(from: 0, to: saliency.count, by: width).map { start in
            String(saliency[start..<min(start + width, saliency.count)].flatMap { value -> [Character] in
                let character = largest > 0 ? self.character(value, largest: largest) : " "
                return [character, character]
            })
        }.joined(separator: "\n")
    }
}
