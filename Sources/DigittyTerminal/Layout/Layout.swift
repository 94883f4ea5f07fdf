/// Where everything goes on a terminal of a given size.
///
/// - `wide`: each canvas cell is two columns wide, one row tall, so the grid looks square.
/// - `compact` (from 80×24): each canvas cell is one column wide and half a row tall — two canvas rows share a
///   text row, drawn with half-block characters.
/// - `tooSmall`: below 80×24 only a message saying which size is needed.
public struct Layout: Sendable, Equatable {
    public enum Mode: Sendable, Equatable { case wide, compact, tooSmall }

    /// A rectangle of character cells.
    public struct Box: Sendable, Equatable {
        public var column, row, width, height: Int
    }

    public static let compactMinimum = TerminalSize(columns: 80, rows: 24)
    public static let wideMinimum = TerminalSize(columns: 108, rows: 31)

    public let size: TerminalSize
    public let mode: Mode
    /// The canvas including its border.
    public let canvas: Box
    /// The panel right of the canvas: big digit, probability, model, chart, preview.
    public let panel: Box
    /// Status lines (model, modes, messages, prompts).
    public let status: Box
    /// The one-line key legend (the last row).
    public let legend: Box

    public init(size: TerminalSize) {
        self.size = size
        let legendRow = size.rows - 1
        if size.columns >= Layout.wideMinimum.columns && size.rows >= Layout.wideMinimum.rows {
            mode = .wide
            canvas = Box(column: 0, row: 0, width: 2 * Canvas.size + 2, height: Canvas.size + 2)
            panel = Box(column: canvas.width + 2, row: 0, width: min(64, size.columns - canvas.width - 2), height: 26)
            status = Box(column: panel.column, row: 27, width: panel.width, height: 3)
        } else if size.columns >= Layout.compactMinimum.columns && size.rows >= Layout.compactMinimum.rows {
            mode = .compact
            canvas = Box(column: 0, row: 0, width: Canvas.size + 2, height: Canvas.size / 2 + 2)
            panel = Box(column: canvas.width + 1, row: 0, width: min(64, size.columns - canvas.width - 1), height: 18)
            status = Box(column: 0, row: canvas.height, width: canvas.width, height: legendRow - canvas.height)
        } else {
            mode = .tooSmall
            canvas = Box(column: 0, row: 0, width: 0, height: 0)
            panel = canvas
            status = canvas
        }
        legend = Box(column: 0, row: max(0, legendRow), width: size.columns, height: 1)
    }

    /// The canvas position (in cell units, the centre of what the pointer covers) under a terminal cell;
    /// positions outside the grid are extrapolated, nil when there is no canvas.
    public func canvasPoint(column: Int, row: Int) -> (x: Float, y: Float)? {
        let innerColumn = column - canvas.column - 1, innerRow = row - canvas.row - 1
        switch mode {
        case .wide:
            return (Float(Int((Float(innerColumn) / 2).rounded(.down))) + 0.5, Float(innerRow) + 0.5)
        case .compact:
            return (Float(innerColumn) + 0.5, Float(innerRow * 2) + 1)
        case .tooSmall:
            return nil
        }
    }

    /// The terminal cell showing canvas cell (x, y) (its left column in wide mode); nil when there is no canvas.
    public func terminalCell(x: Int, y: Int) -> (column: Int, row: Int)? {
        switch mode {
        case .wide: (canvas.column + 1 + 2 * x, canvas.row + 1 + y)
        case .compact: (canvas.column + 1 + x, canvas.row + 1 + y / 2)
        case .tooSmall: nil
        }
    }

    /// Whether a terminal cell lies on the drawing grid (inside the border).
    public func isOnCanvas(column: Int, row: Int) -> Bool {
        mode != .tooSmall && column > canvas.column && column < canvas.column + canvas.width - 1
            && row > canvas.row && row < canvas.row + canvas.height - 1
    }
}
