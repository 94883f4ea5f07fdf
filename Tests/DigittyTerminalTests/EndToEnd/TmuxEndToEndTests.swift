import DigittyEngine
import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyTerminal

/// The built `digitty` binary in a real (tmux) terminal: drawn with raw mouse reports and keys, read back with
/// `capture-pane`.
/// Skipped where tmux is missing, except under CI=true, where a missing tmux fails the tests.
@Suite(Prerequisite(isMet: TmuxSession.isAvailable, reason: "tmux is not installed (apt-get install tmux)").trait, .tags(.slow))
struct TmuxEndToEndTests {
    /// A seven: across the top, then down to the bottom left.
    static let seven = [(6, 5), (21, 5), (17, 12), (12, 23)]
    /// A one: a straight vertical stroke.
    static let one = [(14, 4), (14, 23)]

    private func binary() throws -> URL {
        let url = TmuxSession.binary
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "no digitty binary at \(url.path)")
        return url
    }

    private func defaultModel() throws -> URL {
        let url = Repository.defaultModel
        try #require(FileManager.default.fileExists(atPath: url.path), "no default model at \(url.path)")
        return url
    }

    /// Starts the app in a session of the given size and waits for its first frame.
    private func start(columns: Int, rows: Int, environment: String = "LANG=C.UTF-8", arguments: String? = nil,
                       waitFor text: String = "draw a digit") async throws -> TmuxSession {
        let session = try TmuxSession(columns: columns, rows: rows)
        try session.run("env \(environment) '\(try binary().path)' \(try arguments ?? "--model '\(defaultModel().path)'")")
        try await session.waitFor(text)
        return session
    }

    /// Mouse reports for a stroke through canvas points: press, drags (sparse: the app fills the gaps), release.
    private func stroke(_ points: [(Int, Int)], size: TerminalSize, button: Int = 0) -> String {
        let layout = Layout(size: size)
        let cells = points.compactMap { layout.terminalCell(x: $0.0, y: $0.1) }
        guard let first = cells.first, let last = cells.last else { return "" }
        return SGRMouse.press(first.column, first.row, button: button)
            + cells.dropFirst().map { SGRMouse.drag($0.column, $0.row, button: button) }.joined()
            + SGRMouse.release(last.column, last.row, button: button)
    }

    private func chartRows(_ screen: String) -> [Substring] {
        screen.split(separator: "\n").filter { $0.contains(/[▶ ] \d [█▏▎▍▌▋▊▉ ]+ +\d+\.\d%\s*$/) }
    }

    @Test func drawingASevenWithSGRMouseReportsReadsSeven() async throws {
        let size = TerminalSize(columns: 120, rows: 40)
        let session = try await start(columns: size.columns, rows: size.rows)
        try session.type(stroke(Self.seven, size: size))
        try session.key("Enter")
        let screen = try await session.waitFor("reads 7")
        #expect(screen.contains("reads 7"), "screen:\n\(screen)")
        let chart = chartRows(screen)
        #expect(chart.count == 10, "chart:\n\(screen)")
        #expect(chart.first { $0.contains("▶") }?.contains("▶ 7 █") == true, "top row:\n\(screen)")
        #expect(screen.contains("what the model sees"))
    }

    @Test func bareDigittyOpensTheAppOnTheDefaultModel() async throws {
        let session = try await start(columns: 100, rows: 30, arguments: "")
        #expect(try session.screen().contains("model: "))
        try session.type("q")
        #expect(!(try await session.waitForScreen("the app to leave the screen") { !$0.contains("draw here") }).contains("draw here"))
    }

    @Test func legacyX10MouseReportsDrawToo() async throws {
        let size = TerminalSize(columns: 120, rows: 40)
        let session = try await start(columns: size.columns, rows: size.rows)
        let layout = Layout(size: size)
        var bytes: [UInt8] = []
        for (index, point) in Self.one.enumerated() {
            guard let cell = layout.terminalCell(x: point.0, y: point.1) else { continue }
            bytes += [0x1B, 0x5B, 0x4D, index == 0 ? 32 : 64, UInt8(33 + cell.column), UInt8(33 + cell.row)]
        }
        bytes += [0x1B, 0x5B, 0x4D, 35, 40, 40]  // release (button 3)
        try session.sendBytes(bytes)
        let screen = try await session.waitFor("reads 1")
        #expect(screen.contains("reads 1"), "screen:\n\(screen)")
        #expect(chartRows(screen).first { $0.contains("▶") }?.contains("▶ 1 ") == true)
    }

    @Test func compactEightyByTwentyFourIsFullyUsable() async throws {
        let size = TerminalSize(columns: 80, rows: 24)
        let session = try await start(columns: size.columns, rows: size.rows)
        try session.type(stroke(Self.seven, size: size))
        let screen = try await session.waitFor("reads 7")  // live prediction, no Enter
        #expect(screen.contains("reads 7"), "screen:\n\(screen)")
        #expect(chartRows(screen).count == 10)
        #expect(screen.contains("▀") || screen.contains("▄") || screen.contains("█"))
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains { $0.contains("predict") && $0.contains("quit") }, "no key legend:\n\(screen)")
        // Undo the stroke: back to an empty canvas.
        try session.type("u")
        let undone = try await session.waitFor("draw a digit")
        #expect(undone.contains("draw a digit"))
    }

    @Test func drawingWithTheKeyboard() async throws {
        let session = try await start(columns: 80, rows: 24, environment: "LANG=C.UTF-8 NO_COLOR=1")
        // Show the cursor, go up to row 4, put the pen down, go down to row 23, lift it.
        try session.type("k")
        for _ in 0..<10 { try session.key("Up") }
        try session.type("d")
        for _ in 0..<19 { try session.type("j") }
        try session.type("d")
        try session.key("Enter")
        let screen = try await session.waitFor("reads 1")
        #expect(screen.contains("reads 1"), "screen:\n\(screen)")
        #expect(chartRows(screen).first { $0.contains("▶") }?.contains("▶ 1 ") == true)
    }

    @Test func aTooSmallTerminalSaysSoAndRecoversWhenResized() async throws {
        let session = try await start(columns: 60, rows: 20, waitFor: "at least 80×24")
        #expect(try session.screen().contains("60×20"))
        try session.resize(columns: 100, rows: 30)
        let screen = try await session.waitFor("draw here")
        #expect(screen.contains("draw a digit"), "screen after resize:\n\(screen)")
        // A drawing survives going too small and back.
        let size = TerminalSize(columns: 100, rows: 30)
        try session.type(stroke(Self.seven, size: size))
        #expect(try await session.waitFor("reads 7").contains("reads 7"))
        try session.resize(columns: 50, rows: 10)
        try await session.waitFor("at least")
        try session.resize(columns: 120, rows: 40)
        let again = try await session.waitFor("reads 7")
        #expect(again.contains("draw here") && again.contains("reads 7"), "screen:\n\(again)")
    }

    @Test func asciiFallbackInAPlainLocale() async throws {
        let session = try await start(columns: 80, rows: 24, environment: "LANG=C LC_ALL=C")
        try session.type(stroke(Self.seven, size: TerminalSize(columns: 80, rows: 24)))
        let screen = try await session.waitFor("reads 7")
        #expect(screen.contains("> 7 #"), "screen:\n\(screen)")
        let allASCII = screen.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII, "non-ASCII on screen:\n\(screen)")
    }

    @Test func quittingRestoresTheTerminal() async throws {
        let session = try await start(columns: 100, rows: 30)
        #expect(try session.format("#{alternate_on}") == "1")
        #expect(try session.format("#{mouse_sgr_flag}#{mouse_button_flag}") == "11")
        try session.type("q")
        let screen = try await session.waitForScreen("the app to leave the screen") { !$0.contains("draw here") }
        #expect(!screen.contains("draw here"))
        try await session.waitForAppToExit()
        #expect(try session.format("#{alternate_on}") == "0")
        #expect(try session.format("#{mouse_sgr_flag}#{mouse_button_flag}#{mouse_any_flag}#{mouse_standard_flag}") == "0000")
        #expect(try session.format("#{cursor_flag}") == "1")
        // Echo is back: typed text shows up at the shell prompt.
        try session.type("echo restored-ok")
        try session.key("Enter")
        let shell = try await session.waitForScreen("the echoed command and its output") { screen in
            let lines = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            return lines.contains("$ echo restored-ok") && lines.contains("restored-ok")
        }
        #expect(!shell.contains("\u{1B}"), "shell:\n\(shell)")
    }

    @Test(arguments: [("TERM", SIGTERM), ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT)])
    func signalsRestoreTheTerminal(name: String, signal: Int32) async throws {
        let session = try await start(columns: 100, rows: 30)
        let pid = try #require(try session.appProcessID(), "app process not found")
        kill(pid, signal)
        let screen = try await session.waitForScreen("the app to leave the screen") { !$0.contains("draw here") }
        #expect(!screen.contains("draw here"), "SIG\(name): app still on screen")
        try await session.waitForAppToExit()
        #expect(try session.format("#{alternate_on}#{mouse_sgr_flag}#{mouse_button_flag}") == "000", "SIG\(name)")
        #expect(try session.format("#{cursor_flag}") == "1")
        let shell = try session.screen()
        #expect(!shell.contains("crashed"), "SIG\(name):\n\(shell)")
    }

    @Test func quittingWithADrawingAsksOnceAndCtrlDKeepsIt() async throws {
        let size = TerminalSize(columns: 100, rows: 30)
        let session = try await start(columns: size.columns, rows: size.rows)
        try session.type(stroke(Self.one, size: size))
        try await session.waitFor("reads 1")
        try session.key("C-d")
        try session.key("Escape")
        let asked = try await session.waitFor("q again to quit")
        #expect(asked.contains("draw here") && asked.contains("reads 1"), "screen:\n\(asked)")
        try session.type("q")
        try await session.waitForAppToExit()
        #expect(try session.format("#{alternate_on}") == "0")
    }

    @Test func aModelThatFailsToLoadGivesOneLineAndLeavesTheTerminalClean() async throws {
        // Wide enough that neither the command line nor the message wraps.
        let session = try TmuxSession(columns: 240, rows: 30)
        try session.run("'\(try binary().path)' draw --model /nonexistent/model.safetensors; echo status=$?")
        let screen = try await session.waitForScreen("the exit status") { $0.contains("\nstatus=") }
        let lines = screen.split(separator: "\n")
        let errorLines = lines.filter { $0.contains("nonexistent") && !$0.hasPrefix("$") }
        #expect(errorLines.count == 1, "screen:\n\(screen)")
        #expect(lines.contains("status=1"), "screen:\n\(screen)")
        #expect(try session.format("#{alternate_on}#{mouse_sgr_flag}") == "00")
    }

    /// Teach: draw a seven, say it is a 7, tune with T (MNIST replayed in the background while the app keeps
    /// answering), and the personal model, selected when the tuning ends, reads the drawing as taught.
    @Test(Prerequisite.mnist.trait)
    func teachingADigitAndTuningGivesAPersonalModelThatReadsIt() async throws {
        try Prerequisite.mnist.require()
        let size = TerminalSize(columns: 120, rows: 40)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-teach-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: data) }
        let session = try await start(columns: size.columns, rows: size.rows,
                                      environment: "LANG=C.UTF-8 XDG_DATA_HOME='\(data.path)' DIGITTY_DATA='\(Repository.mnist.path)'")
        try session.type("7")
        try await session.waitFor("the canvas is empty")  // nothing drawn: nothing to teach
        try session.type(stroke(Self.seven, size: size))
        try await session.waitFor("reads 7")
        try session.type("7")
        try await session.waitFor("saved as 7 — 1 seven, 1 drawing in all")
        let drawings = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("digitty/drawings/7").path)
        #expect(drawings.count == 1 && drawings[0].hasSuffix(".png"))
        try session.type("T")
        // One drawing tunes in a few seconds, which can end between two looks at the screen: then the progress
        // line ("tuning: …") has already given way to the result.
        _ = try await session.waitForScreen("the tuning's progress or result") {
            $0.contains("tuning:") || $0.contains("tuned: model personal selected")
        }
        // The app answers while it tunes: the help opens and closes.
        try session.type("?")
        try await session.waitFor("press any key to close")
        try session.type(" ")
        let tuned = try await session.waitFor("tuned: model personal selected", seconds: 300)
        #expect(tuned.contains("drawings"), "screen:\n\(tuned)")
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("digitty/models/personal.safetensors").path))
        try session.key("Enter")
        let screen = try await session.waitForScreen("the personal model's reading") { $0.contains("model: personal") && $0.contains("reads 7") }
        #expect(screen.contains("reads 7"), "screen:\n\(screen)")
    }
}
