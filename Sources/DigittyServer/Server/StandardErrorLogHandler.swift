#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Log lines on standard error, one `write` each:
/// `2026-12-02T03:04:05.678Z info digitty.serve: POST /predict 200 duration_us=412`.
///
/// Metadata is formatted only when a line is written (swift-log's `StreamLogHandler` formats it again whenever
/// a key is set).
struct StandardErrorLogHandler: LogHandler {
    /// The logger's label, written on every line.
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let bytes = Array(line(for: event, at: Self.timestamp()).utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(2, $0.baseAddress! + written, $0.count - written) }
            guard result > 0 else { break }
            written += result
        }
    }

    /// The line written for `event` at `time`: time, level, label, message, then the metadata sorted by key.
    func line(for event: LogEvent, at time: String) -> String {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let given = event.metadata { fields.merge(given) { _, new in new } }
        var line = "\(time) \(event.level) \(label): \(event.message)"
        for key in fields.keys.sorted() {
            line += " \(key)=\(fields[key]!)"
        }
        return line + "\n"
    }

    /// The current time in UTC, ISO 8601 with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(parts.tm_year + 1900)-\(digits(parts.tm_mon + 1, 2))-\(digits(parts.tm_mday, 2))"
            + "T\(digits(parts.tm_hour, 2)):\(digits(parts.tm_min, 2)):\(digits(parts.tm_sec, 2))"
            + ".\(digits(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
