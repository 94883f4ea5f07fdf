import DigittyVision
import Testing
@testable import DigittyTerminal

/// The keys that teach (`0`…`9`), tune (`T`) and explain (`w`), the explanation carried to canvas cells, and
/// how the renderer shows it in every terminal the app supports.
@Suite struct TeachAndWhyTests {
    private let compact = TerminalSize(columns: 80, rows: 24)
    private let wide = TerminalSize(columns: 120, rows: 40)

    @Test func digitKeysTeachAndCapitalTTunes() {
        var state = AppState(size: compact, modelName: "m")
        state.drag([(14, 4), (14, 23)])
        #expect(state.press(.character("4")) == [.teach(digit: 4)])
        #expect(state.press(.character("0")) == [.teach(digit: 0)])
        #expect(state.press(.character("T")) == [.tune])
        // While a file name is typed, digits are text.
        _ = state.press(.character("s"))
        #expect(state.press(.character("7")).isEmpty && state.prompt?.text.hasSuffix("7") == true)
    }

    @Test func wTogglesTheOverlayAndAsksForAReadingWithItsExplanation() {
        var state = AppState(size: compact, modelName: "m")
        _ = state.press(.character("w"))
        #expect(state.showWhy && !state.predictionPending)  // nothing drawn: nothing to explain
        state.drag([(14, 4), (14, 23)])
        state.showPrediction(Self.reading(label: 1), explanation: Self.explanation(label: 1))
        #expect(state.explanation != nil)
        _ = state.press(.character("w"))
        #expect(!state.showWhy && state.explanation == nil)
        state.showPrediction(Self.reading(label: 1), explanation: Self.explanation(label: 1))
        #expect(state.explanation == nil, "no explanation is kept while the overlay is off")
        _ = state.press(.character("w"))
        #expect(state.predictionPending)
        _ = state.press(.character("c"))
        #expect(state.explanation == nil)
    }

    static func reading(label: Int) -> Reading {
        var probabilities = [Float](repeating: 0.01, count: 10)
        probabilities[label] = 0.82
        probabilities[(label + 1) % 10] = 0.1
        var saliency = [Float](repeating: 0, count: 784)
        for y in 4..<24 { saliency[y * 28 + 14] = y < 14 ? 1 : -0.5 }
        return Reading(model: "m", verdict: .digit, probabilities: probabilities, notADigitProbability: nil,
                       input: GrayImage(width: 28, height: 28), saliency: saliency)
    }

    static func explanation(label: Int) -> Explanation {
        Explanation(reading: reading(label: label), framing: nil, erasure: [4 * 28 + 14, 5 * 28 + 14, 5 * 28 + 14])!
    }

    @Test func anExplanationWithoutFramingIsTheMapItselfAndCountsCellsOnce() {
        let explanation = Self.explanation(label: 1)
        #expect(explanation.cells == Self.reading(label: 1).saliency)
        #expect(explanation.runnerUp == 2 && explanation.cellsToErase == 2)
        #expect(explanation.note == "runner-up 2 (10.0%): erase ~2 cells to get it")
        let none = Explanation(reading: Self.reading(label: 1), framing: nil, erasure: nil)!
        #expect(none.note.contains("needs ink added"))
        #expect(Explanation(reading: Reading.empty(model: "m"), framing: nil, erasure: nil) == nil)
    }

    @Test func aFramedReadingIsCarriedBackToTheCanvas() throws {
        var canvas = GrayImage(width: 28, height: 28)
        canvas.stroke(fromX: 6.5, y0: 3, toX: 6.5, y1: 13, brush: .pen)  // small, off-centre
        let (prepared, framing) = try #require(MNISTPreprocessing.prepareWithFraming(canvas))
        // A map that marks the prepared image's ink.
        let saliency = prepared.pixels.map { $0 > 0 ? Float(1) : 0 }
        let reading = Reading(model: "m", verdict: .digit, probabilities: Self.reading(label: 1).probabilities,
                              notADigitProbability: nil, input: prepared, saliency: saliency)
        let explanation = try #require(Explanation(reading: reading, framing: framing, erasure: nil))
        // The marked cells are the drawing's, not the centred image's.
        #expect(explanation.cells[8 * 28 + 6] > 0.5)
        #expect(explanation.cells[14 * 28 + 14] == 0 && explanation.cells[8 * 28 + 20] == 0)
    }

    private func rendered(_ capabilities: Capabilities, size: TerminalSize) -> String {
        var state = AppState(size: size, modelName: "m")
        state.drag([(14, 4), (14, 23)])
        _ = state.press(.character("w"))
        state.showPrediction(Self.reading(label: 1), explanation: Self.explanation(label: 1))
        return Renderer(capabilities: capabilities).render(state).text
    }

    @Test(arguments: [Capabilities(unicode: true, colour: .monochrome), Capabilities(unicode: false, colour: .monochrome),
                      Capabilities(unicode: true, colour: .grey256)])
    func theOverlayShowsDensityCharactersALegendAndTheRunnerUpAtEightyByTwentyFour(capabilities: Capabilities) {
        let text = rendered(capabilities, size: compact)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 24 && lines.allSatisfy { $0.count <= 80 })
        let strong = capabilities.unicode ? "█" : "#", against = capabilities.unicode ? "≡" : "~"
        #expect(text.contains("why 1: \(strong) for \(against) against"), "\(text)")
        #expect(text.contains("runner-up 2 (10.0%): erase ~2 cells"), "\(text)")
        // The stroke's upper half pushed towards 1, its lower half away: both kinds of character show on it.
        let column = Layout(size: compact).terminalCell(x: 14, y: 0)!.column
        let canvasRows = lines[1...14]
        let marks = canvasRows.map { Array($0)[column] }
        #expect(marks.contains(strong.first!) && marks.contains { "=-≡~".contains($0) }, "\(marks)")
    }

    @Test func theWideOverlayUsesTwoColumnsACell() {
        let text = rendered(Capabilities(unicode: true, colour: .monochrome), size: wide)
        #expect(text.contains("████"))
        #expect(text.contains("runner-up 2"))
    }

    @Test func theTuningProgressShowsOnTheStatusLines() {
        var state = AppState(size: compact, modelName: "m")
        state.tuningStatus = "tuning: epoch 1/3"
        #expect(Renderer(capabilities: Capabilities(unicode: true, colour: .monochrome)).render(state).text.contains("tuning: epoch 1/3"))
    }
}
