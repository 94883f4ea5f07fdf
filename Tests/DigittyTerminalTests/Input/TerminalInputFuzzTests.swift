import DigittyEngine
import DigittyTestSupport
import Testing
@testable import DigittyTerminal

/// Structural fuzzing of what a terminal sends the app: SGR and legacy mouse reports with hostile coordinates and
/// buttons, CSI and SS3 keys with odd parameters, broken and over-long escape sequences, UTF-8 fragments and
/// control bytes, cut into random reads at random terminal sizes. Every case must leave the app in a state it can
/// draw: the cursor on the canvas, and a frame of exactly the terminal's size.
@Suite struct TerminalInputFuzzTests {
    static func number(_ random: inout SeededRandom) -> String {
        random.pick(["0", "1", "-1", "9999999999999999999999", "65535", "255", "", "00001", String(random.below(300))])
    }

    /// One piece of input: a plausible or hostile sequence.
    static func piece(_ random: inout SeededRandom) -> [UInt8] {
        switch random.below(8) {
        case 0:  // SGR mouse report
            let button = random.pick(["0", "1", "2", "3", "32", "34", "35", "64", "65", "4096", "-5", ""])
            return Array("\u{1B}[<\(button);\(number(&random));\(number(&random))\(random.pick(["M", "m", "", "x"]))".utf8)
        case 1:  // legacy X10 mouse report: raw bytes after ESC [ M
            return [0x1B, 0x5B, 0x4D] + (0..<random.below(4)).map { _ in UInt8(random.below(256)) }
        case 2:  // CSI key with parameters
            return Array("\u{1B}[\(number(&random));\(number(&random))\(random.pick(["A", "B", "C", "D", "~", "H", "F", "Z", "P", "u"]))".utf8)
        case 3:  // SS3 keys and a lone Esc
            return random.pick([[0x1B, 0x4F, 0x50], [0x1B, 0x4F], [0x1B], [0x1B, 0x1B], [0x1B, 0x5B]])
        case 4:  // an over-long escape sequence
            return [0x1B, 0x5B] + [UInt8](repeating: UInt8(ascii: "1"), count: 1 + random.below(5000))
        case 5:  // UTF-8 fragments and invalid bytes
            return random.pick([[0xE2, 0x96], [0xC3], [0xFF, 0xFE], [0xF0, 0x9F, 0x98, 0x80], [0xE2, 0x96, 0x88]])
        case 6:  // control bytes
            return [UInt8(random.below(32))]
        default:  // printable keys, including the app's commands and prompts
            return Array(random.pick(["c", "u", "r", "d", "x", "L", "w", "s", "o", "?", " ", "\r", "hjkl", "7", "T", "p"]).utf8)
        }
    }

    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes(milliseconds: 40))))
    func randomTerminalInputNeverBreaksTheApp() async throws {
        let campaign = try await FuzzCampaign.run("terminal input") { campaign in
            var random = SeededRandom(seed: 0x7E12)
            let renderer = Renderer(capabilities: Capabilities(unicode: random.below(2) == 0, colour: .grey256))
            for index in 0..<FuzzCampaign.caseCount {
                let size = TerminalSize(columns: random.pick([0, 1, 20, 79, 80, 108, 200, 400]),
                                        rows: random.pick([0, 1, 10, 23, 24, 31, 60, 200]))
                var bytes: [UInt8] = []
                for _ in 0..<(1 + random.below(6)) { bytes += Self.piece(&random) }
                campaign.run("case \(index): \(size.columns)×\(size.rows), bytes \(bytes.prefix(40))") {
                    var state = AppState(size: size, modelName: "m")
                    var decoder = InputDecoder()
                    var events: [InputEvent] = []
                    var rest = bytes[...]
                    while !rest.isEmpty {
                        let cut = 1 + random.below(rest.count)
                        events += decoder.feed(rest.prefix(cut))
                        rest = rest.dropFirst(cut)
                    }
                    events += decoder.flush()
                    for event in events { _ = state.handle(event) }
                    guard (0..<Canvas.size).contains(state.cursor.x), (0..<Canvas.size).contains(state.cursor.y) else {
                        return .crashed("cursor left the canvas: \(state.cursor)")
                    }
                    let frame = renderer.render(state)
                    guard frame.size.columns == size.columns, frame.size.rows == size.rows else {
                        return .crashed("a \(frame.size.columns)×\(frame.size.rows) frame for a \(size.columns)×\(size.rows) terminal")
                    }
                    return events.isEmpty ? .rejected : .accepted
                }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects < campaign.cases)
    }
}
