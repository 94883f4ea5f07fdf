import Foundation

/// Runs the built `digitty` executable to completion, as a user would from a shell.
public enum DigittyProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// True when the process ended by a signal (a crash or trap) rather than by exiting.
        public let signaled: Bool
    }

    /// The `digitty` binary beside the test bundle (both are products of the same build).
    public static var executable: URL { DigittyBinary.executable }

    /// Runs `digitty` to completion; it is killed (and the result says `signaled`) if it takes over `timeout` seconds.
    /// With `fileSizeLimit` (in 512-byte blocks, as `ulimit -f` in sh), writing a larger file fails as on a full disk.
    /// The wait is on a thread of its own (`offPool`): a test waiting seconds for a child on one of the test
    /// process's few cooperative threads would stall the other tests' tasks (the server tests' deadlines among them).
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
                           timeout: TimeInterval = 600, fileSizeLimit: Int? = nil) async throws -> Result {
        try await offPool { try runBlocking(arguments, environment: environment, stdin: stdin, timeout: timeout,
                                            fileSizeLimit: fileSizeLimit) }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String], stdin: Data?,
                                    timeout: TimeInterval, fileSizeLimit: Int?) throws -> Result {
        let process = Process()
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let (out, err, input) = (Pipe(), Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so that neither fills up and blocks the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      signaled: process.terminationReason == .uncaughtSignal)
    }
}
