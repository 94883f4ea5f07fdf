import Foundation

/// ONNX Runtime, driven through `onnxruntime_reference.py`; tests skip with a message when Python or
/// onnxruntime is missing (CI installs them: `pip install onnxruntime numpy`).
///
/// Python is the project's `.venv/bin/python` (at the repository root) when there is one, else `python3`.
enum ONNXRuntime {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let script = support.appendingPathComponent("onnxruntime_reference.py")

    static let interpreter: String = {
        let venv = support.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// Whether CI runs the tests (`CI=true`): there a missing prerequisite fails a test instead of skipping it.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether Python can import `modules`.
    static func has(_ modules: String...) -> Bool {
        (try? python(["-c", "import " + modules.joined(separator: ", ")])) != nil
    }

    /// Whether `python3` can import onnxruntime and numpy; prints why not.
    static var isAvailable: Bool {
        let available = has("onnxruntime", "numpy")
        if !available { print("SKIPPED: python3 with onnxruntime and numpy is not installed (pip install onnxruntime numpy)") }
        return available
    }

    /// Runs the reference script with arguments; throws with its stderr on failure.
    static func reference(_ arguments: [String]) throws {
        try python([script.path] + arguments)
    }

    /// Runs another script in this folder.
    static func runScript(_ name: String, _ arguments: [String]) throws {
        try python([support.appendingPathComponent(name).path] + arguments)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Float32 little-endian values from a file.
    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func write(_ values: [Float], to url: URL) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try Data(bytes).write(to: url)
    }

    @discardableResult
    private static func python(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey:
                "\(interpreter) \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self).suffix(600))"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
