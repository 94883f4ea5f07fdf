import DigittyTestSupport
import Foundation
import Testing

@Suite struct BenchCommandTests {
    @Test func reportsEveryFigureAsJSON() async throws {
        let result = try await DigittyProcess.run(["bench", "--runs", "200", "--batch", "64", "--repeats", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        for key in ["loadMillisecondsMedian", "latencyMicrosecondsMedian", "latencyMicrosecondsP99",
                    "batchImagesPerSecond", "peakMemoryMiB"] {
            let value = json?[key] as? Double
            #expect(value != nil && value! > 0, "\(key) missing or not positive")
        }
        #expect((json?["latencyMicrosecondsP99"] as? Double ?? 0) >= (json?["latencyMicrosecondsMedian"] as? Double ?? 1))
        #expect(json?["latencyRuns"] as? Int == 200)
    }

    /// `--all-models` over a models directory of one shipped model, in a project without a `.venv`: digitty's
    /// figures for the model, and the ONNX Runtime column skipped with the reason.
    @Test func allModelsSaysWhyONNXRuntimeIsSkipped() async throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-bench-\(UUID().uuidString)")
        let models = project.appendingPathComponent("Models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: project) }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/deep-rot6.safetensors")
        try FileManager.default.copyItem(at: shipped, to: models.appendingPathComponent("deep-rot6.safetensors"))
        let result = try await DigittyProcess.run(["bench", "--all-models", "--runs", "50", "--batch", "32", "--repeats", "1",
                                             "--json"], environment: ["DIGITTY_MODELS": models.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rows = json?["models"] as? [[String: Any]]
        #expect(rows?.count == 1)
        #expect(rows?.first?["model"] as? String == "deep-rot6")
        #expect(((rows?.first?["digitty"] as? [String: Any])?["batchImagesPerSecond"] as? Double ?? 0) > 0)
        #expect(rows?.first?["onnxRuntime"] == nil)
        #expect((json?["onnxRuntimeSkipped"] as? String)?.contains(".venv") == true)

        let withModel = try await DigittyProcess.run(["bench", "--all-models", "--model", shipped.path])
        #expect(withModel.status != 0 && !withModel.signaled)
    }

    @Test func rejectsNonsenseCounts() async throws {
        let result = try await DigittyProcess.run(["bench", "--runs", "0"])
        #expect(result.status != 0 && !result.signaled)
    }
}
