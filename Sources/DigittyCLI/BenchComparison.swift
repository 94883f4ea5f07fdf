import Foundation

/// One model's inference figures from `digitty bench`.
struct InferenceFigures: Codable {
    /// Seconds.
    let latencyMedian, latencyP99: Double
    let runs: Int
    let batchImagesPerSecond: Double
    let checksumIsFinite: Bool
}

/// A model measured by digitty, then by ONNX Runtime on its export (nil when ONNX Runtime was skipped).
struct ModelComparison: Codable {
    let model: String
    let digitty: InferenceFigures
    let onnxRuntime: OnnxRuntimeBench.Figures?

    /// digitty's latency over ONNX Runtime's (below 1: digitty is faster).
    var latencyRatio: Double? { onnxRuntime.map { digitty.latencyMedian * 1e6 / $0.latencyMicrosecondsMedian } }
    /// digitty's throughput over ONNX Runtime's with as many threads as cores (above 1: digitty is faster).
    var batchRatio: Double? { onnxRuntime.map { digitty.batchImagesPerSecond / $0.batchImagesPerSecond2Threads } }
}

/// `digitty bench --all-models`: every shipped model side by side with ONNX Runtime.
struct AllModelsReport: Codable {
    let images: String
    let cores: Int
    let batch: Int
    let onnxRuntime: String?
    let onnxRuntimeSkipped: String?
    let models: [ModelComparison]

    var table: String {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "–" }
        var lines = [
            "| model | digitty 1 image | ONNX Runtime 1 image | ratio | digitty batch | ONNX Runtime batch | ratio |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in models {
            lines.append("| \(row.model) | \(String(format: "%.1f µs", row.digitty.latencyMedian * 1e6)) | "
                + "\(number(row.onnxRuntime?.latencyMicrosecondsMedian, "%.1f µs")) | \(number(row.latencyRatio, "%.2f×")) | "
                + "\(String(format: "%.0f/s", row.digitty.batchImagesPerSecond)) | "
                + "\(number(row.onnxRuntime?.batchImagesPerSecond2Threads, "%.0f/s")) | \(number(row.batchRatio, "%.2f×")) |")
        }
        lines.append("")
        lines.append("1 image: median latency on one thread; batch: \(batch) images on \(cores) cores (ONNX Runtime: "
                     + "\(cores) intra-op threads), median of runs; digitty on \(images), ONNX Runtime on its synthetic strokes.")
        if let onnxRuntime { lines.append("ONNX Runtime: \(onnxRuntime), on each model's `digitty export --onnx`.") }
        if let onnxRuntimeSkipped { lines.append("ONNX Runtime skipped: \(onnxRuntimeSkipped).") }
        return lines.joined(separator: "\n")
    }
}
