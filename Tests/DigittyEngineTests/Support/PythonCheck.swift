import Foundation

/// Runs Python for cross-checks against numpy and friends; tests skip when it is not installed.
enum PythonCheck {
    /// `python3` if it can import every module named, else nil.
    static func interpreter(with modules: [String]) -> String? {
        let python = "/usr/bin/env"
        let probe = modules.map { "import \($0)" }.joined(separator: "; ")
        guard (try? run(python, arguments: ["python3", "-c", probe])) != nil else { return nil }
        return python
    }

    static func run(_ python: String, script: String, arguments: [String]) throws -> String {
        try run(python, arguments: ["python3", "-c", script] + arguments)
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
