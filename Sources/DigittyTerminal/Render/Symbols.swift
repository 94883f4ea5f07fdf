/// The characters used to draw, in Unicode (block, shade and box-drawing characters) or plain ASCII for
/// terminals whose locale is not UTF-8.
struct Symbols: Sendable {
    let topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical: Character
    /// Ink levels from none to full.
    let shades: [Character]
    let upperHalf, lowerHalf, fullBlock: Character
    /// Partial bar cells, 1/8 … 7/8 (empty in ASCII: bars are whole cells).
    let eighths: [Character]
    let marker: Character
    let enter: String
    let times: String

    static let unicode = Symbols(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
        shades: [" ", "░", "▒", "▓", "█"], upperHalf: "▀", lowerHalf: "▄", fullBlock: "█",
        eighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"], marker: "▶", enter: "⏎", times: "×")

    static let ascii = Symbols(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        shades: [" ", ".", ":", "o", "#"], upperHalf: "\"", lowerHalf: ",", fullBlock: "#",
        eighths: [], marker: ">", enter: "Enter", times: "x")

    static func forCapabilities(_ capabilities: Capabilities) -> Symbols { capabilities.unicode ? .unicode : .ascii }

    /// The shade character for an ink level in 0…1.
    func shade(_ ink: Float) -> Character {
        let level = ink < 0.08 ? 0 : ink < 0.35 ? 1 : ink < 0.6 ? 2 : ink < 0.85 ? 3 : 4
        return shades[level]
    }
}
