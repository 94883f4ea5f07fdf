import ArgumentParser
import DigittyEngine
import DigittyVision
import Foundation

/// `digitty predict FILE...`: the digit in each image, with its ten probabilities.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the digit in image files (PNG, PGM, or MNIST IDX images).",
        discussion: """
            PNG (8-bit grey, RGB, RGBA) and PGM (P2/P5) images of any size go through MNIST-style \
            preprocessing first: ink cropped, scaled to 20 px, centred by its centre of mass in 28×28, \
            inverted if dark on light. MNIST IDX image files (raw or .gz) give one prediction per image \
            and are used as they are, since they are MNIST-style already.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Flag(help: "One JSON object per line: {\"file\", \"index\", \"label\", \"probabilities\"}.") var json = false
    @Flag(help: "Skip MNIST-style preprocessing of PNG/PGM images (use them as 28×28 as they are).") var raw = false
    @Argument(help: "Image files.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one image file") }
    }

    func run() async throws {
        let model = try modelOptions.load(try modelOptions.resolvedURL())
        let output = PredictionPrinter(json: json)
        var failures = 0
        for file in files {
            do {
                for item in try inputs(from: file, model: model) {
                    output.print(file: file, index: item.index, probabilities: try item.pixels.map {
                        try model.probabilities(forPixels: $0)
                    })
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("digitty: \(file): \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The images in one file, each ready for the model (nil where an image has no ink).
    private func inputs(from file: String, model: any ImageClassifier) throws -> [(index: Int?, pixels: [Float]?)] {
        let url = URL(fileURLWithPath: file)
        let bytes: [UInt8]
        do {
            bytes = try ImageFile.readBytes(of: url)
        } catch {
            guard case let .unreadable(_, reason) = error else { throw error }
            throw CLIError("cannot read: \(reason)")  // the caller names the file
        }
        // IDX files start with 00 00 08 03 (images); gzip'd ones with the gzip magic 1f 8b.
        if bytes.starts(with: [0x00, 0x00, 0x08, 0x03]) || bytes.starts(with: [0x1F, 0x8B]) {
            let file = try IDXFile.decode(bytes, name: file)
            guard case let .images(rows, columns) = file.kind else {
                throw CLIError("an IDX label file, not images")
            }
            guard rows == model.input.height, columns == model.input.width else {
                throw CLIError("IDX images are \(rows)×\(columns), the model needs \(model.input.height)×\(model.input.width)")
            }
            return (0..<file.count).map { index in
                let pixels = file.image(at: index).pixels
                return (index, pixels.contains { $0 > 0 } ? pixels : nil)
            }
        }
        let image = try ImageFile.decode(bytes)
        if raw || !model.input.mnistPreprocessing {
            guard image.width == model.input.width, image.height == model.input.height else {
                throw CLIError("image is \(image.width)×\(image.height); without preprocessing it must be \(model.input.width)×\(model.input.height)")
            }
            return [(nil, image.pixels)]
        }
        return [(nil, MNISTPreprocessing.prepare(image)?.pixels)]
    }
}

/// Prints predictions as text (digit and bar chart) or JSON lines.
struct PredictionPrinter {
    let json: Bool

    /// `probabilities` is nil for an empty image.
    func print(file: String, index: Int?, probabilities: [Float]?) {
        let label = probabilities.flatMap { values in values.indices.max { values[$0] < values[$1] } }
        if json {
            var object: [String: Any] = ["file": file, "empty": probabilities == nil]
            object["index"] = index ?? NSNull()
            object["label"] = label ?? NSNull()
            object["probabilities"] = probabilities.map { $0.map { Double($0) } } ?? NSNull()
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        let name = index.map { "\(file)[\($0)]" } ?? file
        guard let probabilities, let label else {
            Swift.print("\(name): empty image (no ink), no prediction\n")
            return
        }
        Swift.print("\(name): \(label)  (\(String(format: "%.1f", probabilities[label] * 100))%)")
        Swift.print(BarChart(unicode: TerminalText.supportsUnicode()).render(probabilities, highlight: label))
    }
}
