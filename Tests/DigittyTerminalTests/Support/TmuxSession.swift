import DigittyTestSupport
import Foundation

/// A detached tmux session of a fixed size, on a tmux server of its own, running a shell in which the built
/// `digitty` binary is started: the end-to-end tests type into it and read its screen.
///
/// The server runs in the foreground (`tmux -D`) as a child of the test process, and every other tmux command
/// is a short-lived client that never starts a server (`-N`). Letting a client start the server (what plain
/// `tmux new-session -d` does) hangs Foundation's `Process`: the daemonised server inherits the socket that
/// `Process` watches to learn that its child exited, so `waitUntilExit()` never returns while the server lives.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let isAvailable: Bool = (try? TmuxSession.command(["-V"]))?.status == 0

    /// The `digitty` executable built beside the test bundle by the same `swift test`.
    static var binary: URL { DigittyBinary.executable }

    private let directory: URL
    private let socket: String
    private let server: Process
    private let target = "app"

    /// Starts a server and, in it, a shell in a session of `columns × rows`.
    init(columns: Int, rows: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("socket").path
        server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["tmux", "-u", "-f", "/dev/null", "-S", socket, "-D"]
        server.environment = Self.clientEnvironment
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) {
            guard server.isRunning, Date() < deadline else { throw Failure(description: "the tmux server did not start") }
            usleep(10_000)
        }
        try tmux(["new-session", "-d", "-s", target, "-x", "\(columns)", "-y", "\(rows)",
                  "env", "-i", "PATH=/usr/bin:/bin", "HOME=\(directory.path)", "TERM=screen-256color", "PS1=$ ", "sh"])
        try tmux(["set-option", "-t", target, "status", "off"])
        try tmux(["set-option", "-s", "escape-time", "0"])
        try tmux(["resize-window", "-t", target, "-x", "\(columns)", "-y", "\(rows)"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        // SIGKILL, not `terminate()`: the server inherits the spawning thread's signal mask, which may block SIGTERM.
        if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        let deadline = Date().addingTimeInterval(5)
        while server.isRunning && Date() < deadline { usleep(5_000) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// tmux clients get a known terminal and no `TMUX` (the tests may themselves run inside tmux).
    private static var clientEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["TERM"] = "xterm-256color"
        environment["LANG"] = "C.UTF-8"
        return environment
    }

    /// Runs a tmux client and returns its exit status and standard output; gives up (killing it) after `seconds`.
    private static func command(_ arguments: [String], seconds: Double = 5) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        process.environment = clientEnvironment
        // Output goes to a file, not a pipe: no pipe to fill up, nothing to drain while waiting.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-tmux-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try FileHandle(forWritingTo: file)
        defer { try? output.close() }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw Failure(description: "tmux \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
            }
            usleep(2_000)
        }
        return (process.terminationStatus, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
    }

    /// Runs a tmux command on this session's server; a failing command throws.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let result = try Self.command(["-u", "-N", "-S", socket] + arguments)
        guard result.status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) exited with status \(result.status)")
        }
        return result.output
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

    /// Waits (up to `seconds`) until the screen satisfies `condition`; throws with the last screen seen if it
    /// never does. Sleeps with `Task.sleep`, so a waiting test holds no thread of the cooperative pool.
    @discardableResult
    func waitForScreen(_ what: String, seconds: Double = 10, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        var previous: String?
        var extraLooks = 10
        while true {
            last = try screen()
            // A capture can land while the app is half-way through writing a frame; a screen counts only when the
            // next capture shows it unchanged. A screen that matches at the deadline gets a few more looks: with
            // the other tests' work on every core, one sleep can outlast the whole wait.
            let matches = condition(last)
            if matches, last == previous { return last }
            previous = matches ? last : nil
            if Date() >= deadline {
                guard matches, extraLooks > 0 else { break }
                extraLooks -= 1
            }
            try await Task.sleep(nanoseconds: 30_000_000)
        }
        throw Failure(description: "waited \(seconds) s for \(what); last screen:\n\(last)")
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) async throws -> String {
        try await waitForScreen("\"\(text)\"", seconds: seconds) { $0.contains(text) }
    }

    /// Waits until the shell has no child any more (the app has exited), so that what is typed next goes to the
    /// shell with the terminal as the app left it.
    func waitForAppToExit(seconds: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try appProcessID() != nil {
            guard Date() < deadline else { throw Failure(description: "the app still runs after \(seconds) s:\n\(try screen())") }
            try await Task.sleep(nanoseconds: 30_000_000)
        }
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
