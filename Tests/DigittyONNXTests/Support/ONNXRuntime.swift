import DigittyTestSupport
import Foundation

/// ONNX Runtime, driven through `onnxruntime_reference.py` with the project's Python (`.ci/setup tests` installs
/// onnxruntime and numpy into .venv).
enum ONNXRuntime {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let script = support.appendingPathComponent("onnxruntime_reference.py")

    /// Python with onnxruntime and numpy.
    static let prerequisite = Python.prerequisite(["onnxruntime", "numpy"])

    /// Runs the reference script with arguments; throws with its stderr on failure.
    static func reference(_ arguments: [String]) throws {
        try Python.run([script.path] + arguments)
    }

    /// Runs another script in this folder.
    static func runScript(_ name: String, _ arguments: [String]) throws {
        try Python.run([support.appendingPathComponent(name).path] + arguments)
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
}
