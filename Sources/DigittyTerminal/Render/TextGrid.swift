/// A colour the renderer asks for; the terminal adapter maps it to what the terminal has.
public enum Colour: Sendable, Hashable {
    case standard
    /// One of 24 greys, 0 (near black) … 23 (near white): xterm-256 colours 232…255.
    case grey(Int)
    /// Highlights: the predicted digit, the top bar.
    case accent
    /// Doubt and errors.
    case warning
    /// The "why" overlay: ink that pushed towards the answer (warm) or away from it (cool), strength 0…3.
    case towards(Int)
    case away(Int)
}

/// How a cell is drawn.
public struct Style: Sendable, Hashable {
    public var foreground: Colour = .standard
    public var background: Colour = .standard
    public var bold = false
    public var reverse = false
    public var dim = false

    public init(foreground: Colour = .standard, background: Colour = .standard, bold: Bool = false,
                reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
}

/// A screenful of characters with styles, one `Character` per column: what the app wants on the terminal.
public struct TextGrid: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var character: Character
        public var style: Style
    }

    public let size: TerminalSize
    public private(set) var cells: [Cell]

    public init(size: TerminalSize) {
        self.size = size
        cells = Array(repeating: Cell(character: " ", style: .plain), count: size.columns * size.rows)
    }

    public subscript(column: Int, row: Int) -> Cell {
        cells[row * size.columns + column]
    }

    /// Writes text from (column, row), one character per column, clipped to the grid.
    public mutating func put(_ text: String, column: Int, row: Int, style: Style = .plain) {
        guard row >= 0, row < size.rows else { return }
        var x = column
        for character in text {
            if x >= size.columns { break }
            if x >= 0 { cells[row * size.columns + x] = Cell(character: character, style: style) }
            x += 1
        }
    }

    /// Sets the style of cells without changing their characters.
    public mutating func restyle(column: Int, row: Int, width: Int, style: Style) {
        guard row >= 0, row < size.rows else { return }
        for x in max(0, column)..<max(max(0, column), min(size.columns, column + width)) {
            cells[row * size.columns + x].style = style
        }
    }

    /// Replaces every non-ASCII character (for terminals whose locale is not UTF-8).
    public mutating func replaceNonASCII(with replacement: Character) {
        for index in cells.indices where !cells[index].character.isASCII { cells[index].character = replacement }
    }

    /// One row as plain text (trailing spaces kept).
    public func text(row: Int) -> String {
        guard row >= 0, row < size.rows else { return "" }
        return String(cells[(row * size.columns)..<((row + 1) * size.columns)].map(\.character))
    }

    /// The whole grid as plain text, one line per row, trailing spaces removed.
    public var text: String {
        (0..<size.rows).map { row in
            var line = text(row: row)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
