import Foundation

/// A detached tmux session of a fixed size on a private server socket, running a shell in which the built
/// `digitty` binary is started: the end-to-end tests type into it and read its screen.
final class TmuxSession {
    static let isAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-V"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// The package root (this file is Tests/DigittyTerminalTests/Support/TmuxSession.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `digitty` executable built beside the tests (`DIGITTY_BINARY` overrides).
    static var binary: URL? {
        if let path = ProcessInfo.processInfo.environment["DIGITTY_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("digitty"),
            URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("digitty"),
            packageRoot.appendingPathComponent(".build/debug/digitty"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let socket = "digitty-e2e-\(UUID().uuidString.prefix(8))"
    private let target = "app"

    /// Starts a shell in a session of `columns × rows`.
    init(columns: Int, rows: Int) throws {
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", target, "-x", "\(columns)", "-y", "\(rows)",
                  "env", "-i", "PATH=/usr/bin:/bin", "HOME=\(NSTemporaryDirectory())", "TERM=screen-256color",
                  "PS1=$ ", "sh"])
        try tmux(["set-option", "-t", target, "status", "off"])
        try tmux(["set-option", "-t", target, "escape-time", "0"])
        try tmux(["resize-window", "-t", target, "-x", "\(columns)", "-y", "\(rows)"])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "-u", "-L", socket] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Types a command line into the shell and runs it.
    func run(_ commandLine: String) throws {
        try tmux(["send-keys", "-t", target, "-l", commandLine])
        try tmux(["send-keys", "-t", target, "Enter"])
    }

    /// Sends text as typed, byte for byte (escape sequences included).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", target, "-l", text]) }

    /// Sends raw bytes given in hex (for encodings that are not valid UTF-8).
    func sendBytes(_ bytes: [UInt8]) throws {
        try tmux(["send-keys", "-t", target, "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    /// Sends named keys (`Enter`, `Escape`, `Up`…).
    func key(_ names: String...) throws { try tmux(["send-keys", "-t", target] + names) }

    /// The screen as text.
    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", target]) }

    /// A tmux format value for the pane (`#{alternate_on}`, `#{mouse_sgr_flag}`…).
    func format(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(columns)", "-y", "\(rows)"])
    }

    /// Waits (up to `seconds`) until the screen satisfies `condition`; returns the last screen seen.
    @discardableResult
    func waitForScreen(seconds: Double = 15, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return last
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 15) throws -> String {
        try waitForScreen(seconds: seconds) { $0.contains(text) }
    }

    /// The process running in the shell (the app), from /proc.
    func appProcessID() throws -> Int32? {
        let shell = try format("#{pane_pid}")
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }
}

/// SGR (1006) mouse reports, as an xterm-compatible terminal sends them (1-based positions).
enum SGRMouse {
    static func press(_ column: Int, _ row: Int, button: Int = 0) -> String { "\u{1B}[<\(button);\(column + 1);\(row + 1)M" }
    static func drag(_ column: Int, _ row: Int, button: Int = 0) -> String { "\u{1B}[<\(32 + button);\(column + 1);\(row + 1)M" }
    static func release(_ column: Int, _ row: Int, button: Int = 0) -> String { "\u{1B}[<\(button);\(column + 1);\(row + 1)m" }
}
