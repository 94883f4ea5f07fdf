import DigittyVision
import Foundation

/// Draws the app's state into a character grid: canvas, prediction panel, chart, preview, status, legend,
/// help, or the too-small message.
public struct Renderer: Sendable {
    public let capabilities: Capabilities
    let symbols: Symbols

    public init(capabilities: Capabilities) {
        self.capabilities = capabilities
        symbols = Symbols.forCapabilities(capabilities)
    }

    private var usesColour: Bool { capabilities.colour != .monochrome }
    private var accent: Style { Style(foreground: usesColour ? .accent : .standard, bold: true) }
    private var warning: Style { Style(foreground: usesColour ? .warning : .standard, bold: true) }
    private var faint: Style { Style(dim: true) }

    /// The whole screen for a state.
    public func render(_ state: AppState) -> TextGrid {
        let layout = state.layout
        var grid = TextGrid(size: layout.size)
        guard layout.mode != .tooSmall else {
            drawTooSmall(into: &grid)
            if !capabilities.unicode { grid.replaceNonASCII(with: "?") }
            return grid
        }
        drawCanvas(state, into: &grid)
        drawPanel(state, into: &grid)
        drawStatus(state, into: &grid)
        drawLegend(into: &grid, layout: layout)
        if state.showHelp { drawHelp(into: &grid) }
        if !capabilities.unicode { grid.replaceNonASCII(with: "?") }  // file names, messages
        return grid
    }

    // MARK: Canvas

    private func drawBox(_ box: Layout.Box, title: String, into grid: inout TextGrid) {
        let inner = max(0, box.width - 2)
        var top = String(repeating: symbols.horizontal, count: inner)
        if !title.isEmpty, title.count + 2 < inner {
            top = String(symbols.horizontal) + " " + title + " " + String(repeating: symbols.horizontal, count: inner - title.count - 3)
        }
        grid.put(String(symbols.topLeft) + top + String(symbols.topRight), column: box.column, row: box.row)
        for row in (box.row + 1)..<(box.row + box.height - 1) {
            grid.put(String(symbols.vertical), column: box.column, row: row)
            grid.put(String(symbols.vertical), column: box.column + box.width - 1, row: row)
        }
        grid.put(String(symbols.bottomLeft) + String(repeating: symbols.horizontal, count: inner) + String(symbols.bottomRight),
                 column: box.column, row: box.row + box.height - 1)
    }

    private func drawCanvas(_ state: AppState, into grid: inout TextGrid) {
        let box = state.layout.canvas
        if let explanation = state.explanation, !state.predictionIsStale {
            drawWhy(explanation, canvas: state.canvas, layout: state.layout, into: &grid)
            return
        }
        drawBox(box, title: "draw here", into: &grid)
        let canvas = state.canvas
        switch state.layout.mode {
        case .wide:
            for y in 0..<Canvas.size {
                for x in 0..<Canvas.size {
                    let ink = canvas[x, y]
                    let column = box.column + 1 + 2 * x, row = box.row + 1 + y
                    if capabilities.colour == .grey256 {
                        grid.put("  ", column: column, row: row, style: Style(background: .grey(greyLevel(ink))))
                    } else {
                        grid.put(String(repeating: symbols.shade(ink), count: 2), column: column, row: row)
                    }
                }
            }
            if state.cursorVisible {
                let column = box.column + 1 + 2 * state.cursor.x, row = box.row + 1 + state.cursor.y
                grid.put(cursorText(state), column: column, row: row, style: cursorStyle(ink: canvas[state.cursor.x, state.cursor.y]))
            }
        case .compact:
            drawHalfBlocks(width: Canvas.size, height: Canvas.size, at: (box.column + 1, box.row + 1), into: &grid) { canvas[$0, $1] }
            if state.cursorVisible {
                let column = box.column + 1 + state.cursor.x, row = box.row + 1 + state.cursor.y / 2
                grid.put(String(cursorText(state).prefix(1)), column: column, row: row,
                         style: cursorStyle(ink: canvas[state.cursor.x, state.cursor.y]))
            }
        case .tooSmall:
            break
        }
    }

    /// The "why" overlay in place of the canvas: each cell's character (denser for a larger effect, as in
    /// `predict --explain`) and, with colours, warm for ink that pushed towards the answer and cool for ink that
    /// pushed away; ink with little effect stays a faint shade. The title is the legend.
    private func drawWhy(_ explanation: Explanation, canvas: Canvas, layout: Layout, into grid: inout TextGrid) {
        let art = SaliencyArt(unicode: capabilities.unicode)
        let box = layout.canvas
        drawBox(box, title: "why \(explanation.label): \(art.towards[3]) for \(art.away[3]) against", into: &grid)
        let largest = explanation.cells.lazy.map(abs).max() ?? 0
        // In compact mode one text row shows two canvas rows: the stronger effect of the two is shown.
        let rowsPerText = layout.mode == .wide ? 1 : 2
        for textRow in 0..<(Canvas.size / rowsPerText) {
            for x in 0..<Canvas.size {
                let ys = (0..<rowsPerText).map { textRow * rowsPerText + $0 }
                let value = ys.map { explanation.cells[$0 * Canvas.size + x] }.max { abs($0) < abs($1) } ?? 0
                let ink = ys.map { canvas[x, $0] }.max() ?? 0
                var character = largest > 0 ? art.character(value, largest: largest) : " "
                var style = Style.plain
                if character == " " {
                    if ink >= 0.35 { character = symbols.shades[1]; style = faint }
                } else if usesColour {
                    let level = min(3, Int(abs(value) / largest * 4))
                    style = Style(foreground: value > 0 ? .towards(level) : .away(level), bold: level >= 2)
                }
                guard let cell = layout.terminalCell(x: x, y: textRow * rowsPerText) else { continue }
                grid.put(String(repeating: character, count: layout.mode == .wide ? 2 : 1), column: cell.column, row: cell.row,
                         style: style)
            }
        }
    }

    private func cursorText(_ state: AppState) -> String {
        switch state.pen {
        case .up: "[]"
        case .drawing: "<>"
        case .erasing: "xx"
        }
    }

    private func cursorStyle(ink: Float) -> Style {
        var style = accent
        if capabilities.colour == .grey256 { style.background = .grey(greyLevel(ink)) }
        return style
    }

    private func greyLevel(_ ink: Float) -> Int { min(23, max(0, Int((ink * 23).rounded()))) }

    /// Draws an image with two pixel rows per text row.
    private func drawHalfBlocks(width: Int, height: Int, at origin: (column: Int, row: Int), into grid: inout TextGrid,
                                ink: (Int, Int) -> Float) {
        for textRow in 0..<((height + 1) / 2) {
            for x in 0..<width {
                let upper = ink(x, 2 * textRow), lower = 2 * textRow + 1 < height ? ink(x, 2 * textRow + 1) : 0
                let column = origin.column + x, row = origin.row + textRow
                if capabilities.colour == .grey256 && capabilities.unicode {
                    let top = greyLevel(upper), bottom = greyLevel(lower)
                    grid.put(top == bottom ? " " : String(symbols.upperHalf), column: column, row: row,
                             style: Style(foreground: .grey(top), background: .grey(bottom)))
                } else {
                    let top = upper >= 0.45, bottom = lower >= 0.45
                    let character: Character = top && bottom ? symbols.fullBlock : top ? symbols.upperHalf
                        : bottom ? symbols.lowerHalf : max(upper, lower) >= 0.12 ? symbols.shades[1] : " "
                    grid.put(String(character), column: column, row: row)
                }
            }
        }
    }

    // MARK: Prediction panel

    private func drawPanel(_ state: AppState, into grid: inout TextGrid) {
        let panel = state.layout.panel
        let wide = state.layout.mode == .wide
        let prediction = state.prediction
        let glyphStyle = prediction.map { $0.verdict == .digit ? accent : warning } ?? faint
        let stale = state.predictionIsStale

        // The big digit (none for "not a digit").
        let glyphRow = panel.row + (wide ? 1 : 0)
        if let prediction, let label = prediction.label, prediction.verdict != .notADigit {
            for (offset, line) in DigitGlyphs.rows(for: label).enumerated() {
                let text = String(line.flatMap { $0 == "#" ? [symbols.fullBlock, symbols.fullBlock] : [" ", " "] })
                grid.put(text, column: panel.column + 1, row: glyphRow + offset, style: stale ? faint : glyphStyle)
            }
        }

        // The words beside or below it.
        let previewWidth = wide ? Canvas.size : Canvas.size / 2
        let textColumn = wide ? panel.column + 1 : panel.column + 13
        let textWidth = wide ? panel.width - previewWidth - 3 : panel.width - previewWidth - 14
        let textRow = wide ? glyphRow + DigitGlyphs.height + 1 : glyphRow
        var lines: [(String, Style)] = []
        if let prediction, let label = prediction.label {
            switch prediction.verdict {
            case .notADigit:
                lines.append(("not a digit", warning))
                lines.append(("(nearest: \(label))", faint))
            case .unsure:
                lines.append(("reads \(label)", glyphStyle))
                lines.append((prediction.summary, warning))
                lines.append((percent(prediction.confidence) + " for \(label)", .plain))
            case .digit, .empty:
                lines.append(("reads \(label)", glyphStyle))
                lines.append((percent(prediction.confidence) + " sure", .plain))
            }
            if stale { lines.append(("changed: press \(symbols.enter)", warning)) }
        } else {
            lines.append(("draw a digit", accent))
            lines.append(("with the mouse", faint))
            lines.append(("or the keys", faint))
        }
        for (offset, line) in lines.enumerated() {
            grid.put(String(line.0.prefix(max(0, textWidth))), column: textColumn, row: textRow + offset, style: line.1)
        }

        // What the model sees.
        let previewColumn = panel.column + panel.width - previewWidth
        let previewRow = panel.row + (wide ? 1 : 0)
        let previewRows = wide ? Canvas.size / 2 : Canvas.size / 4
        if let input = prediction?.input, input.width == Canvas.size, input.height == Canvas.size {
            if wide {
                drawHalfBlocks(width: 28, height: 28, at: (previewColumn, previewRow), into: &grid) { input[$0, $1] }
            } else {
                drawHalfBlocks(width: 14, height: 14, at: (previewColumn, previewRow), into: &grid) { x, y in
                    (input[2 * x, 2 * y] + input[2 * x + 1, 2 * y] + input[2 * x, 2 * y + 1] + input[2 * x + 1, 2 * y + 1]) / 4
                }
            }
        } else {
            let empty = capabilities.colour == .grey256 && capabilities.unicode
            for row in 0..<previewRows {
                grid.put(String(repeating: " ", count: previewWidth), column: previewColumn, row: previewRow + row,
                         style: empty ? Style(background: .grey(0)) : .plain)
            }
            if !empty { grid.put("(empty)", column: previewColumn + (previewWidth - 7) / 2, row: previewRow + previewRows / 2, style: faint) }
        }
        let label = wide ? "what the model sees" : "model sees"
        grid.put(label, column: previewColumn + max(0, (previewWidth - label.count) / 2), row: previewRow + previewRows, style: faint)

        // The chart.
        let chartRow = wide ? panel.row + 16 : panel.row + 8
        drawChart(prediction, stale: stale, column: panel.column, row: chartRow, width: panel.width, into: &grid)
        if let explanation = state.explanation, !stale {
            grid.put(String(explanation.note.prefix(panel.width)), column: panel.column, row: chartRow + 10, style: faint)
        }
    }

    private func percent(_ probability: Float) -> String { String(format: "%5.1f%%", Double(probability) * 100) }

    /// The chart, greyed when the prediction is stale or the verdict is "not a digit".
    private func drawChart(_ prediction: Reading?, stale: Bool, column: Int, row: Int, width: Int, into grid: inout TextGrid) {
        let chart = BarChart(symbols: symbols, width: max(1, width - 12))
        let top = prediction?.label
        let greyed = stale || prediction == nil || prediction?.verdict == .notADigit
        for digit in 0..<10 {
            let line = chart.row(digit: digit, probability: prediction?.probabilities[digit], highlighted: digit == top)
            let style = greyed ? faint : digit == top ? (prediction?.verdict == .digit ? accent : warning) : .plain
            grid.put(line, column: column, row: row + digit, style: style)
        }
    }

    // MARK: Status, legend, help, too small

    private func drawStatus(_ state: AppState, into grid: inout TextGrid) {
        let box = state.layout.status
        guard box.height > 0, box.width > 0 else { return }
        var lines: [(String, Style)] = [("model: \(state.modelName)", .plain)]
        let pen = switch state.pen { case .up: "up"; case .drawing: "drawing"; case .erasing: "erasing" }
        // The keys are named here because the legend drops items in narrow terminals; `L` (capital: `l` moves).
        lines.append(("live (L): \(state.livePrediction ? "on" : "off")  pen (d): \(pen)", faint))
        if let prompt = state.prompt {
            lines.append(contentsOf: wrap("\(prompt.label): \(prompt.text)_", width: box.width).map { ($0, accent) })
            lines.append(("\(symbols.enter) ok  Esc cancel", faint))
        } else if let message = state.message {
            lines.append(contentsOf: wrap(message, width: box.width).map { ($0, warning) })
        }
        if let tuning = state.tuningStatus {
            lines.append(contentsOf: wrap(tuning, width: box.width).map { ($0, accent) })
        }
        // Keep the last lines (the prompt's end) when there are more than fit.
        let visible = lines.count > box.height ? Array(lines.suffix(box.height)) : lines
        for (offset, line) in visible.enumerated() {
            grid.put(String(line.0.prefix(box.width)), column: box.column, row: box.row + offset, style: line.1)
        }
    }

    private func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return lines
    }

    /// The legend items, most important first; as many as fit are shown.
    private var legendItems: [(key: String, label: String)] {
        [(symbols.enter, "predict"), ("c", "clear"), ("u", "undo"), ("r", "redo"), ("d", "pen"), ("x", "eraser"),
         ("Tab", "model"), ("w", "why"), ("0-9", "teach"), ("T", "tune"), ("L", "live"), ("s", "save"), ("o", "open"),
         ("?", "help"), ("q", "quit")]
    }

    private func drawLegend(into grid: inout TextGrid, layout: Layout) {
        var items = legendItems
        let width = { (items: [(key: String, label: String)]) in items.reduce(0) { $0 + $1.key.count + $1.label.count + 3 } - 2 }
        // Drop the least needed items (before help and quit) until the line fits.
        while width(items) > layout.size.columns, items.count > 2 { items.remove(at: items.count - 3) }
        var column = 0
        for item in items {
            grid.put(item.key, column: column, row: layout.legend.row, style: Style(bold: true))
            grid.put(item.label, column: column + item.key.count + 1, row: layout.legend.row, style: faint)
            column += item.key.count + item.label.count + 3
        }
    }

    static let helpLines = [
        "digitty: draw a digit, see what the model reads",
        "",
        "mouse      left drag: draw    right drag: erase",
        "           click: one dab",
        "arrows     move the cursor (also h j k l)",
        "space      paint a dab at the cursor",
        "d          pen: draw while moving (again: lift)",
        "x          eraser: erase while moving",
        "Enter, p   predict now",
        "c          clear         u  undo    r  redo",
        "Tab        next model     w  why: cells that decided",
        "0 … 9      teach: the drawing is that digit",
        "T          tune a personal model on what you taught",
        "L, F2      live prediction on/off (capital L:",
        "           small l moves the cursor right)",
        "s          save the drawing (.png or .pgm)",
        "o          open an image file",
        "?          this help     q, Esc  quit",
        "press any key to close",
    ]

    private func drawHelp(into grid: inout TextGrid) {
        let lines = Renderer.helpLines
        let width = min(grid.size.columns, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(grid.size.rows, lines.count + 2)
        let box = Layout.Box(column: max(0, (grid.size.columns - width) / 2), row: max(0, (grid.size.rows - height) / 2),
                             width: width, height: height)
        for row in box.row..<(box.row + box.height) {
            grid.put(String(repeating: " ", count: box.width), column: box.column, row: row)
        }
        drawBox(box, title: "help", into: &grid)
        for (offset, line) in lines.prefix(max(0, height - 2)).enumerated() {
            grid.put(String(line.prefix(width - 4)), column: box.column + 2, row: box.row + 1 + offset,
                     style: offset == 0 ? Style(bold: true) : .plain)
        }
    }

    private func drawTooSmall(into grid: inout TextGrid) {
        let size = grid.size
        let needed = Layout.compactMinimum
        let lines = [
            "digitty needs a terminal of at least \(needed.columns)\(symbols.times)\(needed.rows)",
            "this one is \(size.columns)\(symbols.times)\(size.rows): please enlarge it",
            "(q quits)",
        ]
        let top = max(0, (size.rows - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            // Narrow terminals: wrap rather than cut the size off.
            let text = line.count <= size.columns ? line : String(line.suffix(size.columns))
            grid.put(text, column: max(0, (size.columns - text.count) / 2), row: top + offset, style: offset == 0 ? Style(bold: true) : .plain)
        }
    }
}
