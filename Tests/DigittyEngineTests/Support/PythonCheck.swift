import Foundation

/// Runs Python for cross-checks against numpy and friends; tests skip when it is not installed.
/// Python is the project's `.venv/bin/python` (at the repository root) when there is one, else `python3`.
enum PythonCheck {
    static let python: String = {
        let venv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// Whether CI runs the tests (`CI=true`): there a missing prerequisite fails a test instead of skipping it.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// The `env` path to run Python with if it can import every module named, else nil.
    static func interpreter(with modules: [String]) -> String? {
        let env = "/usr/bin/env"
        let probe = modules.map { "import \($0)" }.joined(separator: "; ")
        guard (try? run(env, arguments: [python, "-c", probe])) != nil else { return nil }
        return env
    }

    static func run(_ env: String, script: String, arguments: [String]) throws -> String {
        try run(env, arguments: [python, "-c", script] + arguments)
    }

    static func run(_ executable: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) exited \(process.terminationStatus)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
