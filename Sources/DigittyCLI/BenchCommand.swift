import ArgumentParser
import DigittyEngine
import DigittyONNX
import DigittyTraining
import DigittyVision
import Foundation

/// `digitty bench`: how fast a model loads and predicts on this machine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure model load time, single-image latency, batch throughput and peak memory.",
        discussion: "Build with `swift build -c release` first: debug builds are many times slower.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Single-image predictions to time (one thread).") var runs = 10_000
    @Option(help: "Images in the batch-throughput test (all cores).") var batch = 10_000
    @Option(help: "Times to repeat the batch test (the median is reported).") var repeats = 5
    @Option(help: "MNIST directory for test digits (default: $DIGITTY_DATA, then the cache).") var data: String?
    @Option(help: "Training steps (batch 32) to time per architecture for training throughput; 0 skips it.")
    var trainingSteps = 300
    @Flag(help: "Print the results as one JSON object.") var json = false
    @Flag(help: """
        Every shipped model side by side with ONNX Runtime on its ONNX export, each pair measured back to back \
        (ONNX Runtime from the project's .venv: Tests/Benchmarks/onnxruntime_bench.py); no training figures.
        """) var allModels = false

    func run() async throws {
        guard runs > 0, batch > 0, repeats > 0, trainingSteps >= 0 else {
            throw ValidationError("--runs, --batch and --repeats must be positive")
        }
        if allModels {
            guard modelOptions.model == nil else { throw ValidationError("--all-models measures the shipped models: drop --model") }
            try benchAllModels()
            return
        }
        let url = try modelOptions.resolvedURL()
        var loadTimes: [Double] = []
        var loaded: (any ImageClassifier)?
        for _ in 0..<10 {
            let start = Clock.now
            loaded = try modelOptions.load(url)
            loadTimes.append(Clock.seconds(since: start))
        }
        guard let model = loaded else { return }
        let (images, source) = BenchmarkImages.make(count: max(batch, 1000), height: model.input.height,
                                                    width: model.input.width, dataDirectory: data)
        let inference = try measureInference(model, images: images)

        // Training throughput of the original experiments' setup (batch 32, Adam, rotation ±6°, shifts ±10%),
        // as `digitty train` runs it, on MNIST training digits when they are there.
        var training: [String: Double] = [:]
        var trainingImages = "synthetic strokes"
        if trainingSteps > 0 {
            let digits = try? MNISTTrainingData.load(directory: mnistDirectory(data), validationSize: 0,
                                                     limit: trainingSteps * 32).training
            if digits != nil { trainingImages = "MNIST training digits" }
            for architecture in [Architecture.simple, .deep] {
                training[architecture.rawValue] = try TrainingBenchmark.imagesPerSecond(
                    architecture: architecture, batchSize: 32, steps: trainingSteps, images: digits,
                    augmenter: Augmenter(settings: .original(rotation: 6)))
            }
        }

        let result = BenchResult(
            model: model.name, file: url.path, images: source, cores: ProcessInfo.processInfo.activeProcessorCount,
            loadMillisecondsMedian: median(loadTimes) * 1e3,
            latencyMicrosecondsMedian: inference.latencyMedian * 1e6,
            latencyMicrosecondsP99: inference.latencyP99 * 1e6,
            latencyRuns: inference.runs,
            batchSize: batch,
            batchImagesPerSecond: inference.batchImagesPerSecond,
            peakMemoryMiB: Double(PeakMemory.residentBytes()) / 1_048_576,
            trainingImagesPerSecond: training.isEmpty ? nil : training,
            trainingImages: trainingSteps > 0 ? trainingImages : nil,
            checksum: inference.checksumIsFinite)
        try show(result, table: result.table)
    }

    /// Single-image latency on one thread (the first tenth of the runs warms up) and batch throughput on all cores.
    private func measureInference(_ model: any ImageClassifier, images: [Float]) throws -> InferenceFigures {
        let pixelsPerImage = model.input.height * model.input.width
        var latencies: [Double] = []
        latencies.reserveCapacity(runs)
        var checksum: Float = 0
        for run in 0..<(runs + runs / 10) {
            let index = run % 1000
            let pixels = Array(images[index * pixelsPerImage..<(index + 1) * pixelsPerImage])
            let start = Clock.now
            let probabilities = try model.probabilities(forPixels: pixels)
            let elapsed = Clock.seconds(since: start)
            checksum += probabilities[0]
            if run >= runs / 10 { latencies.append(elapsed) }
        }
        latencies.sort()
        let batchTensor = Tensor(shape: [batch, model.input.height, model.input.width, 1],
                                 scalars: Array(images[0..<batch * pixelsPerImage]))
        var batchTimes: [Double] = []
        for _ in 0..<repeats {
            let start = Clock.now
            let output = try model.probabilities(for: batchTensor)
            batchTimes.append(Clock.seconds(since: start))
            checksum += output.scalars[0]
        }
        return InferenceFigures(latencyMedian: percentile(latencies, 0.5), latencyP99: percentile(latencies, 0.99),
                                runs: latencies.count, batchImagesPerSecond: Double(batch) / median(batchTimes),
                                checksumIsFinite: checksum.isFinite)
    }

    /// `--all-models`: each shipped model, then ONNX Runtime on its export, one after the other.
    private func benchAllModels() throws {
        let models = ModelLocator.shippedModels().filter { $0.pathExtension == "safetensors" }
        guard let directory = models.first?.deletingLastPathComponent() else {
            throw CLIError("no shipped models found: set DIGITTY_MODELS to the Models directory")
        }
        let runtime = OnnxRuntimeBench(projectRoot: directory.deletingLastPathComponent())
        let (images, source) = BenchmarkImages.make(count: max(batch, 1000), height: 28, width: 28, dataDirectory: data)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var rows: [ModelComparison] = []
        for url in models {
            let model = try modelOptions.load(url)
            guard model.input.height == 28, model.input.width == 28 else { continue }
            let ours = try measureInference(model, images: images)
            var theirs: OnnxRuntimeBench.Figures?
            if runtime.unavailableReason == nil, let sequential = model as? SequentialModel {
                let onnx = scratch.appendingPathComponent(url.deletingPathExtension().lastPathComponent + ".onnx")
                try ONNXExporter.write(sequential, to: onnx)
                theirs = try runtime.measure(onnx, runs: runs, batch: batch, repeats: repeats)
            }
            rows.append(ModelComparison(model: url.deletingPathExtension().lastPathComponent, digitty: ours,
                                        onnxRuntime: theirs))
        }
        let report = AllModelsReport(images: source, cores: ProcessInfo.processInfo.activeProcessorCount, batch: batch,
                                     onnxRuntime: runtime.version, onnxRuntimeSkipped: runtime.unavailableReason,
                                     models: rows)
        try show(report, table: report.table)
    }

    /// Prints `result` as one JSON object with `--json`, else as its table.
    private func show(_ result: some Encodable, table: String) throws {
        guard json else {
            print(table)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    private func median(_ values: [Double]) -> Double { percentile(values.sorted(), 0.5) }

    private func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}

struct BenchResult: Encodable {
    let model: String
    let file: String
    let images: String
    let cores: Int
    let loadMillisecondsMedian: Double
    let latencyMicrosecondsMedian: Double
    let latencyMicrosecondsP99: Double
    let latencyRuns: Int
    let batchSize: Int
    let batchImagesPerSecond: Double
    let peakMemoryMiB: Double
    /// Per architecture.
    let trainingImagesPerSecond: [String: Double]?
    let trainingImages: String?
    let checksum: Bool

    private var trainingLines: String {
        guard let training = trainingImagesPerSecond, let source = trainingImages else { return "training         skipped" }
        return training.sorted { $0.key > $1.key }.map { name, speed in
            "training         \(Int(speed.rounded())) images/s \(name) (batch 32, Adam, rotation ±6°, shifts ±10%, all cores; "
                + String(format: "%.1f s per 60,000-image epoch)", 60_000 / speed)
        }.joined(separator: "\n") + "\n                 on \(source)"
    }

    var table: String {
        """
        model            \(model)  (\(file))
        load             \(String(format: "%.2f", loadMillisecondsMedian)) ms (median of 10)
        single image     \(String(format: "%.1f", latencyMicrosecondsMedian)) µs median, \(String(format: "%.1f", latencyMicrosecondsP99)) µs p99 (\(latencyRuns) runs, 1 thread)
        batch            \(Int(batchImagesPerSecond.rounded())) images/s (\(batchSize) images, \(cores) cores, median of runs)
        peak memory      \(String(format: "%.1f", peakMemoryMiB)) MiB resident
        \(trainingLines)
        images           \(images)
        """
    }
}

/// Monotonic wall-clock time for benchmarks.
enum Clock {
    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// The process's peak resident memory.
enum PeakMemory {
    static func residentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024  // kilobytes on Linux
    }
}
