import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `digitty` executable, run as a user would from a shell: `serve` to test against, `train` and
/// `experiment` to watch what they log. Output is collected while the program runs, so a test can wait for a
/// line and then signal it.
public final class DigittyBinary: @unchecked Sendable {
    /// The `digitty` binary beside the test bundle (both are products of the same build).
    public static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // swift-testing on Linux runs `<build>/debug/<package>PackageTests.xctest`; on macOS the bundle is a directory.
        while directory.path.hasSuffix(".xctest") || directory.lastPathComponent == "MacOS" || directory.lastPathComponent == "Contents" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("digitty")
    }

    private let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    /// Starts `digitty arguments…` with `environment` added to this process's environment.
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let (outPipe, errPipe) = (Pipe(), Pipe())
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, error: false) }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in self?.append(handle.availableData, error: true) }
        try process.run()
    }

    private func append(_ data: Data, error: Bool) {
        lock.lock()
        if error { err.append(data) } else { out.append(data) }
        lock.unlock()
    }

    public var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Waits (off the cooperative pool) until standard output or error contains `text`, the program ends, or
    /// `seconds` pass; true if the text appeared.
    public func waitFor(_ text: String, seconds: Double = 120) async throws -> Bool {
        try await offPool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if self.stdout.contains(text) || self.stderr.contains(text) { return true }
                if !self.process.isRunning { return self.stdout.contains(text) || self.stderr.contains(text) }
                usleep(20_000)
            }
            return false
        }
    }

    /// Sends `signal` (SIGINT, SIGTERM) to the program.
    public func send(_ signal: Int32) { if process.isRunning { kill(process.processIdentifier, signal) } }

    /// Waits up to `seconds` for the program to end (killing it after that) and returns its exit status, or
    /// nil if it was ended by a signal.
    public func wait(seconds: Double = 300) async throws -> Int32? {
        let process = self.process
        try await offPool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        // Let the readability handlers take what is left in the pipes.
        try await Task.sleep(for: .milliseconds(100))
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
