import Foundation

/// ONNX Runtime's figures for an ONNX model, from `Tests/Benchmarks/onnxruntime_bench.py` run by the project's
/// `.venv/bin/python` (for `digitty bench --all-models`; Python is never needed to run digitty itself).
struct OnnxRuntimeBench {
    struct Figures: Codable {
        let latencyMicrosecondsMedian: Double
        let batchImagesPerSecond1Thread: Double
        let batchImagesPerSecond2Threads: Double
    }

    let python: URL
    let script: URL
    /// Why ONNX Runtime cannot be run, or nil when it can.
    let unavailableReason: String?
    /// `onnxruntime X.Y.Z`, when it can be run.
    let version: String?

    init(projectRoot: URL) {
        python = projectRoot.appendingPathComponent(".venv/bin/python")
        script = projectRoot.appendingPathComponent("Tests/Benchmarks/onnxruntime_bench.py")
        let files = FileManager.default
        var reason: String?
        var version: String?
        if !files.isExecutableFile(atPath: python.path) {
            reason = "no \(python.path) (python3 -m venv .venv && .venv/bin/pip install onnxruntime numpy onnx)"
        } else if !files.fileExists(atPath: script.path) {
            reason = "no \(script.path)"
        } else {
            let probe = Self.run(python, ["-c", "import onnxruntime, numpy; print(onnxruntime.__version__)"])
            if probe.status == 0 {
                version = "onnxruntime " + probe.output.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                reason = "onnxruntime and numpy are not installed in .venv (.venv/bin/pip install onnxruntime numpy onnx)"
            }
        }
        unavailableReason = reason
        self.version = version
    }

    func measure(_ model: URL, runs: Int, batch: Int, repeats: Int) throws -> Figures {
        let result = Self.run(python, [script.path, model.path, "--runs", "\(runs)", "--batch", "\(batch)",
                                       "--repeats", "\(repeats)"])
        guard result.status == 0, let data = result.output.data(using: .utf8),
              let figures = try? JSONDecoder().decode(Figures.self, from: data) else {
            throw CLIError("ONNX Runtime benchmark failed on \(model.lastPathComponent): "
                           + (result.error.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"))
        }
        return figures
    }

    /// Runs a program to its end; its error output goes to a temporary file, so that neither pipe can fill up
    /// while the other is read.
    private static func run(_ executable: URL, _ arguments: [String]) -> (status: Int32, output: String, error: String) {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-ort-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil),
              let errorHandle = try? FileHandle(forWritingTo: errorFile) else { return (-1, "", "cannot create \(errorFile.path)") }
        defer {
            try? errorHandle.close()
            try? FileManager.default.removeItem(at: errorFile)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errorText)
    }
}
