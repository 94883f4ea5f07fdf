@testable import DigittyServer
import Foundation
import Logging
import Testing

@Suite("Log lines on standard error")
struct StandardErrorLogHandlerTests {
    @Test("a line: time, level, label, message, then the logger's and the event's metadata sorted by key")
    func line() {
        var handler = StandardErrorLogHandler(label: "digitty.serve")
        handler[metadataKey: "hb.request.id"] = "abc"
        let event = LogEvent(level: .info, message: "POST /predict 200", metadata: ["duration_us": "412"],
                             source: nil, file: #fileID, function: #function, line: #line)
        #expect(handler.line(for: event, at: "TIME") == "TIME info digitty.serve: POST /predict 200 duration_us=412 hb.request.id=abc\n")
    }

    @Test("the event's metadata wins over the logger's for the same key")
    func eventMetadataWins() {
        var handler = StandardErrorLogHandler(label: "l")
        handler[metadataKey: "k"] = "logger"
        let event = LogEvent(level: .warning, message: "m", metadata: ["k": "event"], source: nil, file: "", function: "", line: 0)
        #expect(handler.line(for: event, at: "T") == "T warning l: m k=event\n")
    }

    @Test("timestamps are UTC, ISO 8601 with milliseconds")
    func timestamp() throws {
        let stamp = StandardErrorLogHandler.timestamp()
        #expect(stamp.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(stamp)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: stamp))
        #expect(abs(date.timeIntervalSinceNow) < 5)
    }
}
