import Testing
@testable import DigittyTerminal

@Suite struct LayoutTests {
    @Test(arguments: [(80, 24), (100, 30), (107, 40)])
    func compactFromEightyByTwentyFour(columns: Int, rows: Int) {
        let layout = Layout(size: TerminalSize(columns: columns, rows: rows))
        #expect(layout.mode == .compact)
        #expect(layout.canvas.width == 30 && layout.canvas.height == 16)
        #expect(layout.panel.column + layout.panel.width <= columns)
        #expect(layout.legend.row == rows - 1)
        #expect(layout.status.row + layout.status.height <= rows - 1)
    }

    @Test(arguments: [(108, 31), (120, 40), (250, 80)])
    func wideWhereTwoColumnsPerCellFit(columns: Int, rows: Int) {
        let layout = Layout(size: TerminalSize(columns: columns, rows: rows))
        #expect(layout.mode == .wide)
        #expect(layout.canvas.width == 58 && layout.canvas.height == 30)
        #expect(layout.panel.column + layout.panel.width <= columns)
        #expect(layout.status.row + layout.status.height <= rows - 1)
    }

    @Test(arguments: [(79, 24), (80, 23), (20, 5), (0, 0), (1, 1)])
    func tooSmallBelowTheMinimum(columns: Int, rows: Int) {
        let layout = Layout(size: TerminalSize(columns: columns, rows: rows))
        #expect(layout.mode == .tooSmall)
        #expect(layout.canvasPoint(column: 5, row: 5) == nil)
        #expect(!layout.isOnCanvas(column: 5, row: 5))
    }

    @Test func terminalCellsMapBackToTheirCanvasCells() {
        for size in [TerminalSize(columns: 80, rows: 24), TerminalSize(columns: 120, rows: 40)] {
            let layout = Layout(size: size)
            for y in 0..<Canvas.size {
                for x in 0..<Canvas.size {
                    guard let cell = layout.terminalCell(x: x, y: y), let point = layout.canvasPoint(column: cell.column, row: cell.row) else {
                        Issue.record("no mapping at \(x),\(y) for \(size)")
                        continue
                    }
                    #expect(layout.isOnCanvas(column: cell.column, row: cell.row))
                    #expect(Int(point.x) == x)
                    // Compact rows hold two canvas rows: the point sits between them.
                    #expect(layout.mode == .wide ? Int(point.y) == y : abs(point.y - Float(y) - 0.5) <= 0.5)
                }
            }
        }
    }

    @Test func theBorderIsNotOnTheCanvas() {
        let layout = Layout(size: TerminalSize(columns: 80, rows: 24))
        #expect(!layout.isOnCanvas(column: 0, row: 5))
        #expect(!layout.isOnCanvas(column: 5, row: 0))
        #expect(!layout.isOnCanvas(column: 29, row: 5))
        #expect(!layout.isOnCanvas(column: 5, row: 15))
        #expect(layout.isOnCanvas(column: 1, row: 1) && layout.isOnCanvas(column: 28, row: 14))
    }
}
