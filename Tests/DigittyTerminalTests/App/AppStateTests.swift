import DigittyVision
import Testing
@testable import DigittyTerminal

@Suite struct AppStateTests {
    private let wide = TerminalSize(columns: 120, rows: 40)
    private let compact = TerminalSize(columns: 80, rows: 24)

    @Test func aMouseDragDrawsAConnectedStrokeAndAsksForAPrediction() {
        for size in [wide, compact] {
            var state = AppState(size: size, modelName: "m")
            state.drag([(4, 14), (23, 14)])  // two reports far apart: the gap is filled
            for x in 4...23 { #expect(state.canvas[x, 14] == 1, "gap at \(x) in \(size)") }
            #expect(state.predictionPending)
            #expect(!state.isStroking)
        }
    }

    @Test func noPredictionWhileTheButtonIsHeld() {
        var state = AppState(size: wide, modelName: "m")
        state.mouse(.press, x: 5, y: 5)
        state.mouse(.drag, x: 9, y: 5)
        #expect(state.isStroking && !state.predictionPending)
        state.mouse(.release, x: 9, y: 5)
        #expect(state.predictionPending)
    }

    @Test func aClickPaintsOneSoftDab() {
        var state = AppState(size: wide, modelName: "m")
        state.mouse(.press, x: 10, y: 12)
        state.mouse(.release, x: 10, y: 12)
        #expect(state.canvas[10, 12] == 1)
        #expect(state.canvas[11, 12] > 0 && state.canvas[11, 12] < 1)
        #expect(state.canvas[12, 12] == 0)
        #expect(state.canvas[20, 20] == 0)
    }

    @Test func rightDragErases() {
        var state = AppState(size: wide, modelName: "m")
        state.drag([(3, 10), (24, 10)])
        state.drag([(3, 10), (24, 10)], button: .right)
        #expect(state.canvas.isEmpty)
        #expect(state.prediction == nil)
    }

    @Test func pressesOutsideTheGridDoNothingAndDragsLeavingItAreClipped() {
        var state = AppState(size: wide, modelName: "m")
        _ = state.handle(.mouse(MouseEvent(.press, .left, column: 100, row: 5)))
        _ = state.handle(.mouse(MouseEvent(.drag, .left, column: 101, row: 6)))
        _ = state.handle(.mouse(MouseEvent(.release, .left, column: 101, row: 6)))
        _ = state.handle(.mouse(MouseEvent(.press, .left, column: 0, row: 0)))  // the border
        #expect(state.canvas.isEmpty)
        state.mouse(.press, x: 26, y: 5)
        _ = state.handle(.mouse(MouseEvent(.drag, .left, column: 500, row: 5)))
        _ = state.handle(.mouse(MouseEvent(.release, .left, column: 500, row: 5)))
        #expect(state.canvas[27, 5] == 1)
    }

    @Test func keysMoveTheCursorAndPaint() {
        var state = AppState(size: compact, modelName: "m")
        #expect(!state.cursorVisible)
        state.press(.left)  // the first press shows the cursor
        #expect(state.cursorVisible && state.cursor.x == 14)
        state.press(.left, .character("h"), .up, .character("k"))
        #expect(state.cursor.x == 12 && state.cursor.y == 12)
        state.press(.character(" "))
        #expect(state.canvas[12, 12] == 1)
        state.press(.character("d"), .right, .right, .right, .right, .character("d"))
        for x in 12...16 { #expect(state.canvas[x, 12] == 1) }
        state.press(.down, .down)
        #expect(state.canvas[16, 14] < 1)  // the pen is lifted
        state.press(.character("x"), .up, .up, .character("x"))
        #expect(state.canvas[16, 12] == 0)
        for _ in 0..<40 { state.press(.right) }
        #expect(state.cursor.x == 27)
    }

    @Test func undoAndRedoWholeStrokesAndClear() {
        var state = AppState(size: wide, modelName: "m")
        state.drag([(5, 5), (20, 5)])
        let first = state.canvas
        state.drag([(5, 20), (20, 20)])
        let second = state.canvas
        state.press(.character("c"))
        #expect(state.canvas.isEmpty)
        state.press(.character("u"))
        #expect(state.canvas == second)
        state.press(.character("u"))
        #expect(state.canvas == first)
        state.press(.character("r"))
        #expect(state.canvas == second)
        state.press(.character("u"), .character("u"), .character("u"))
        #expect(state.canvas.isEmpty && state.message == "nothing to undo")
    }

    @Test func keysAskForActions() {
        var state = AppState(size: wide, modelName: "m")
        #expect(state.press(.character("q")) == [.quit])
        #expect(state.press(.escape) == [.quit])
        #expect(state.press(.control("c")) == [.quit])
        #expect(state.press(.enter) == [.predict])
        #expect(state.press(.character("p")) == [.predict])
        #expect(state.press(.tab) == [.nextModel])
    }

    @Test func quittingWithADrawingAsksOnceAndCtrlDDoesNothing() {
        var state = AppState(size: wide, modelName: "m")
        #expect(state.press(.control("d")) == [])  // not even on an empty canvas
        state.drag([(5, 5), (20, 5)])
        for key in [Key.character("q"), .escape] {
            #expect(state.press(key) == [])
            #expect(state.message == "q again to quit; s saves the drawing")
            #expect(state.press(key) == [.quit])
        }
        #expect(state.press(.character("q"), .escape) == [.quit])  // either key confirms the other
        // Anything else in between, a key or the mouse, takes the question back.
        #expect(state.press(.character("q"), .left, .character("q")) == [])
        state.mouse(.move, x: 3, y: 3)
        #expect(state.press(.character("q")) == [])
        #expect(state.press(.control("d"), .control("d")) == [])
        #expect(!state.canvas.isEmpty)
        // Help open: q asks too; Ctrl-C quits at once, as SIGINT does.
        state.press(.character("?"))
        #expect(state.press(.character("q")) == [] && !state.showHelp)
        #expect(state.press(.character("q")) == [.quit])
        #expect(state.press(.control("c")) == [.quit])
    }

    @Test func livePredictionCanBeTurnedOff() {
        var state = AppState(size: wide, modelName: "m")
        state.press(.character("L"))
        #expect(!state.livePrediction)
        state.drag([(5, 5), (20, 5)])
        #expect(!state.predictionPending)
        state.showPrediction(Reading(model: "m", verdict: .unsure, probabilities: [Float](repeating: 0.1, count: 10),
                                     notADigitProbability: nil, input: GrayImage(width: 28, height: 28), saliency: nil))
        state.drag([(5, 9), (20, 9)])
        #expect(state.predictionIsStale)
        state.press(.character("L"))
        #expect(state.predictionPending)
    }

    @Test func capitalLAndF2ToggleLivePredictionWhileSmallLMovesTheCursor() {
        var state = AppState(size: wide, modelName: "m")
        state.press(.character("l"), .character("l"))  // the first press shows the cursor, the second moves it
        #expect(state.livePrediction)
        #expect(state.cursor.x == Canvas.size / 2 + 1)
        state.press(.function(2))
        #expect(!state.livePrediction)
        state.press(.character("L"))
        #expect(state.livePrediction)
    }

    @Test func promptsCollectAFileName() {
        var state = AppState(size: wide, modelName: "m")
        state.press(.character("s"))
        #expect(state.prompt?.text == "digit.png")
        for _ in 0..<3 { state.press(.backspace) }
        #expect(state.press(.character("p"), .character("g"), .character("m"), .enter) == [.save(path: "digit.pgm")])
        #expect(state.prompt == nil)
        state.press(.character("o"))
        #expect(state.press(.character("q")) == [])  // typed, not quit
        #expect(state.press(.escape) == [])
        #expect(state.prompt == nil)
        state.press(.character("o"))
        #expect(state.press(.enter) == [] && state.message == "no file name given")
    }

    @Test func helpClosesOnAnyKey() {
        var state = AppState(size: wide, modelName: "m")
        state.press(.character("?"))
        #expect(state.showHelp)
        state.mouse(.press, x: 5, y: 5)
        #expect(state.canvas.isEmpty)  // the help covers the canvas
        #expect(state.press(.character("c")) == [])
        #expect(!state.showHelp)
    }

    @Test func resizingKeepsTheDrawingAndTooSmallIgnoresTheMouse() {
        var state = AppState(size: wide, modelName: "m")
        state.drag([(5, 5), (20, 20)])
        let drawing = state.canvas
        state.resize(to: TerminalSize(columns: 40, rows: 10))
        #expect(state.layout.mode == .tooSmall)
        _ = state.handle(.mouse(MouseEvent(.press, .left, column: 3, row: 3)))
        state.resize(to: compact)
        #expect(state.canvas == drawing)
        #expect(state.layout.mode == .compact)
    }
}
