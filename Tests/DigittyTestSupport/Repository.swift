// DigittyTestSupport: what every test target shares — where the repository and ../shared are, the
// prerequisites a test may need (and how a missing one is a skip, or a failure under CI=true), the project's
// Python, the built `digitty` binary, and a local HTTP file server. One copy, used by all.
import Foundation

/// The repository this test was built from, and the shared data beside it (`../shared`, not committed).
public enum Repository {
    /// The package root (Tests/DigittyTestSupport/Repository.swift → two folders up).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the package root.
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    /// The four MNIST IDX files (gzip'd).
    public static let mnist = shared.appendingPathComponent("data/mnist")
    /// ONNX backend conformance cases and onnx.proto.
    public static let onnxNodeTests = shared.appendingPathComponent("onnx-node-tests")
    /// The original project's simple CNN as ONNX.
    public static let seedModel = shared.appendingPathComponent("models/seed_simple_rot6.onnx")
    /// The models the project ships.
    public static let models = root.appendingPathComponent("Models")
    public static let defaultModel = models.appendingPathComponent("default.safetensors")

    /// A new, empty temporary directory.
    public static func temporaryDirectory(_ purpose: String = "test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-\(purpose)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
