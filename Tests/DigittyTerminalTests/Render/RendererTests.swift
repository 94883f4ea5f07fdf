import DigittyVision
import Testing
@testable import DigittyTerminal

@Suite struct RendererTests {
    private let colour = Renderer(capabilities: Capabilities(unicode: true, colour: .grey256))
    private let mono = Renderer(capabilities: Capabilities(unicode: true, colour: .monochrome))
    private let ascii = Renderer(capabilities: Capabilities(unicode: false, colour: .monochrome))

    private func prediction(_ probabilities: [Float], verdict: Verdict? = nil) -> Reading {
        var input = GrayImage(width: 28, height: 28)
        for y in 4..<24 { input[14, y] = 1 }
        let verdict = verdict ?? ((probabilities.max() ?? 0) < 0.6 ? .unsure : .digit)
        return Reading(model: "m", verdict: verdict, probabilities: probabilities, notADigitProbability: nil,
                       input: input, saliency: nil)
    }

    private func confident(_ digit: Int) -> [Float] {
        (0..<10).map { $0 == digit ? 0.973 : 0.003 }
    }

    private func state(_ size: TerminalSize, prediction: Reading? = nil) -> AppState {
        var state = AppState(size: size, modelName: "test-model")
        if let prediction {
            state.drag([(14, 4), (14, 23)])
            state.showPrediction(prediction)
        }
        return state
    }

    @Test(arguments: [(80, 24), (120, 40), (108, 31), (200, 60)])
    func theEmptyScreenInvitesDrawing(columns: Int, rows: Int) {
        let text = mono.render(state(TerminalSize(columns: columns, rows: rows))).text
        #expect(text.contains("draw a digit"))
        #expect(text.contains("draw here"))
        #expect(text.contains("model: test-model"))
        #expect(!text.contains("▶"))  // no guess
        let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        #expect(lastLine.contains("predict") && lastLine.contains("help") && lastLine.contains("quit"))
        #expect(lastLine.count <= columns)
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func aPredictionShowsTheDigitAndAChartWithTheTopRowMarked(columns: Int, rows: Int) {
        let grid = mono.render(state(TerminalSize(columns: columns, rows: rows), prediction: prediction(confident(7))))
        let text = grid.text
        #expect(text.contains("reads 7"))
        #expect(text.contains(" 97.3% sure"))
        let chartLines = text.split(separator: "\n").filter { $0.contains(/[▶ ] \d [█▏▎▍▌▋▊▉ ]+ +\d+\.\d%$/) }
        #expect(chartLines.count == 10)
        let top = try? #require(chartLines.first { $0.contains("▶") })
        #expect(top?.contains("▶ 7 ") == true)
        #expect(top?.contains("████") == true)
        #expect(text.contains("model sees"))
    }

    @Test func aLowConfidenceResultSaysSo() {
        var probabilities = [Float](repeating: 0.01, count: 10)
        probabilities[4] = 0.48
        probabilities[9] = 0.44
        let text = mono.render(state(TerminalSize(columns: 80, rows: 24), prediction: prediction(probabilities))).text
        #expect(text.contains("not sure: 4 or 9"))
        #expect(text.contains("▶ 4 "))
    }

    @Test func theBigGlyphIsDrawn() {
        let grid = mono.render(state(TerminalSize(columns: 120, rows: 40), prediction: prediction(confident(1))))
        let panel = grid.text.split(separator: "\n", omittingEmptySubsequences: false)
        // The 5×7 glyph of 1: its bottom row is three pixels wide (six columns).
        #expect(panel.contains { $0.contains("│    ██████") || $0.contains("  ██████  ") })
    }

    @Test(arguments: [(80, 24), (120, 40), (60, 20)])
    func asciiFallbackUsesOnlyASCII(columns: Int, rows: Int) {
        let grid = ascii.render(state(TerminalSize(columns: columns, rows: rows), prediction: columns >= 80 ? prediction(confident(7)) : nil))
        #expect(grid.cells.allSatisfy { $0.character.isASCII })
        if columns >= 80 { #expect(grid.text.contains("> 7 ####")) }
    }

    @Test func monochromeUsesNoColour() {
        let grid = mono.render(state(TerminalSize(columns: 120, rows: 40), prediction: prediction(confident(7))))
        #expect(grid.cells.allSatisfy { $0.style.foreground == .standard && $0.style.background == .standard })
        // Ink is drawn with shade characters instead.
        #expect(grid.text.contains("██"))
    }

    @Test func colourDrawsInkAsGreyBackgrounds() {
        let grid = colour.render(state(TerminalSize(columns: 120, rows: 40), prediction: prediction(confident(7))))
        let layout = Layout(size: TerminalSize(columns: 120, rows: 40))
        let cell = layout.terminalCell(x: 14, y: 10)!
        #expect(grid[cell.column, cell.row].style.background == .grey(23))
        let blank = layout.terminalCell(x: 2, y: 2)!
        #expect(grid[blank.column, blank.row].style.background == .grey(0))
    }

    @Test func barsUseEighthsOfACell() {
        #expect(BarChart(unicode: true, width: 4).bar(0.5) == "██  ")
        #expect(BarChart(unicode: true, width: 2).bar(1 / 16) == "▏ ")
        #expect(BarChart(unicode: true, width: 3).bar(1) == "███")
        #expect(BarChart(unicode: true, width: 2).bar(.nan) == "  ")
        #expect(BarChart(unicode: false, width: 4).bar(0.5) == "##  ")
        #expect(BarChart(unicode: false, width: 4).row(digit: 3, probability: 0.5, highlighted: true) == "> 3 ##    50.0%")
        #expect(BarChart(unicode: true, width: 2).row(digit: 0, probability: nil, highlighted: false) == "  0         -")
    }

    @Test func saliencyArtShowsSignAndStrength() {
        let art = SaliencyArt(unicode: false)
        #expect(art.render([1, -1, 0.3, -0.3, 0.05, 0], width: 3) == "##~~++\n--    ")
        #expect(SaliencyArt(unicode: true).render([0, 0], width: 2) == "    ")
    }

    @Test(arguments: [(79, 24), (40, 10), (80, 5), (3, 2), (0, 0)])
    func tooSmallSaysWhichSizeIsNeeded(columns: Int, rows: Int) {
        let text = mono.render(state(TerminalSize(columns: columns, rows: rows))).text
        if columns >= 45 && rows >= 3 {
            #expect(text.contains("at least 80×24"))
            #expect(text.contains("\(columns)×\(rows)"))
        }
        #expect(!text.contains("draw here"))
    }

    @Test func helpListsTheKeys() {
        var state = state(TerminalSize(columns: 80, rows: 24))
        _ = state.handle(.key(.character("?")))
        let text = mono.render(state).text
        #expect(text.contains("right drag: erase"))
        #expect(text.contains("L, F2      live prediction on/off"))
    }

    @Test func theStatusLineNamesTheLiveKeyEvenWhenTheLegendIsShort() {
        let text = mono.render(state(TerminalSize(columns: 80, rows: 24))).text
        #expect(text.contains("live (L): on"))
    }

    @Test func capabilitiesFollowTheEnvironment() {
        #expect(Capabilities.detect(environment: ["LANG": "en_US.UTF-8"], terminalColours: 256) == Capabilities(unicode: true, colour: .grey256))
        #expect(Capabilities.detect(environment: ["LANG": "C"], terminalColours: 8) == Capabilities(unicode: false, colour: .basic))
        #expect(Capabilities.detect(environment: ["LC_ALL": "C", "LANG": "en_US.UTF-8"], terminalColours: 256).unicode == false)
        #expect(Capabilities.detect(environment: ["NO_COLOR": "1", "LANG": "C.utf8"], terminalColours: 256) == Capabilities(unicode: true, colour: .monochrome))
        #expect(Capabilities.detect(environment: [:], terminalColours: 0).colour == .monochrome)
    }
}
