import DigittyVision
import Testing
@testable import DigittyTerminal

@Suite struct CanvasTests {
    @Test func aDabIsFullInkAtTheCentreAndGreyAround() {
        var canvas = Canvas()
        canvas.dab(atX: 10.5, y: 10.5, brush: .pen)
        #expect(canvas[10, 10] == 1)
        #expect(canvas[11, 10] > 0.2 && canvas[11, 10] < 1)  // one cell away: grey
        #expect(canvas[9, 10] == canvas[11, 10] && canvas[10, 9] == canvas[11, 10])
        #expect(canvas[11, 11] < canvas[11, 10])  // the diagonal neighbour is further away: lighter
        #expect(canvas[12, 10] == 0)
        #expect(!canvas.isEmpty)
    }

    @Test func brushStrengthFallsLinearly() {
        let brush = Brush(innerRadius: 1, outerRadius: 2)
        #expect(brush.strength(atDistance: 0.5) == 1)
        #expect(brush.strength(atDistance: 1.5) == 0.5)
        #expect(brush.strength(atDistance: 2.5) == 0)
    }

    @Test func strokesLeaveNoGapsAndMatchANaiveLine() {
        var canvas = Canvas()
        canvas.stroke(fromX: 2.5, y0: 3.5, toX: 25.5, y1: 20.5, brush: .pen)
        // Naive reference: cells whose centre lies well inside the pen's core are full ink, and none within half a
        // cell of the segment is left light (dabs are a quarter cell apart, so a centre may miss the core by a little).
        for y in 0..<Canvas.size {
            for x in 0..<Canvas.size {
                let px = Float(x) + 0.5, py = Float(y) + 0.5
                let dx: Float = 23, dy: Float = 17
                let t = min(1, max(0, ((px - 2.5) * dx + (py - 3.5) * dy) / (dx * dx + dy * dy)))
                let distance = ((px - 2.5 - t * dx) * (px - 2.5 - t * dx) + (py - 3.5 - t * dy) * (py - 3.5 - t * dy)).squareRoot()
                if distance < Brush.pen.innerRadius - 0.1 { #expect(canvas[x, y] == 1, "not full at \(x),\(y)") }
                if distance < 0.5 { #expect(canvas[x, y] > 0.9, "gap at \(x),\(y)") }
                if distance > Brush.pen.outerRadius + 0.2 { #expect(canvas[x, y] == 0, "ink far from the line at \(x),\(y)") }
            }
        }
    }

    @Test func erasingRemovesInk() {
        var canvas = Canvas()
        canvas.stroke(fromX: 5, y0: 14, toX: 23, y1: 14, brush: .pen)
        canvas.stroke(fromX: 5, y0: 14, toX: 23, y1: 14, brush: .eraser, erase: true)
        #expect(canvas.isEmpty)
    }

    @Test func dabsOutsideOrAtTheEdgeAreClipped() {
        var canvas = Canvas()
        canvas.dab(atX: -50, y: 3, brush: .pen)
        canvas.dab(atX: .nan, y: 3, brush: .pen)
        canvas.stroke(fromX: -1e9, y0: 0, toX: 1e9, y1: 0, brush: .pen)
        canvas.dab(atX: 27.6, y: 27.6, brush: .pen)
        #expect(canvas[27, 27] == 1)
        #expect(canvas[-1, 0] == 0 && canvas[28, 28] == 0)
    }

    @Test func historyUndoesAndRedoesWholeChanges() {
        var history = History()
        var canvas = Canvas()
        let blank = canvas
        history.record(canvas)
        canvas.dab(atX: 5, y: 5, brush: .pen)
        let oneDab = canvas
        history.record(canvas)
        canvas.dab(atX: 20, y: 20, brush: .pen)
        let twoDabs = canvas
        canvas = history.undo(current: canvas) ?? canvas
        #expect(canvas == oneDab)
        canvas = history.undo(current: canvas) ?? canvas
        #expect(canvas == blank)
        #expect(history.undo(current: canvas) == nil)
        canvas = history.redo(current: canvas) ?? canvas
        canvas = history.redo(current: canvas) ?? canvas
        #expect(canvas == twoDabs)
        #expect(history.redo(current: canvas) == nil)
        // A new change forgets what could be redone.
        canvas = history.undo(current: canvas) ?? canvas
        history.record(canvas)
        #expect(!history.canRedo)
    }
}
