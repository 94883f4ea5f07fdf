import ArgumentParser
import DigittyEngine
import DigittyTerminal
import DigittyVision
import Foundation

/// `digitty predict FILE...`: the digit in each image, with its ten probabilities.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the digit in image files (PNG, PGM, or MNIST IDX images).",
        discussion: """
            PNG (8-bit grey, RGB, RGBA) and PGM (P2/P5) images of any size go through MNIST-style \
            preprocessing first (unless the model records otherwise): ink cropped, scaled to 20 px, centred by \
            its centre of mass in 28×28, inverted if dark on light. MNIST IDX image files (raw or .gz) give one \
            prediction per image and are used as they are, since they are MNIST-style already. The verdict is \
            a digit, "not sure" between two digits, "not a digit", or empty.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @Flag(help: "One JSON object per line: {\"file\", \"index\", \"verdict\", \"label\", \"probabilities\", \"empty\"}.")
    var json = false
    @Flag(help: "Skip MNIST-style preprocessing of PNG/PGM images (use them as 28×28 as they are).") var raw = false
    @Flag(help: "Show which pixels made the model decide (a saliency map as text art; with --json, \"input\" and \"saliency\").")
    var explain = false
    @Argument(help: "Image files.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one image file") }
    }

    func run() async throws {
        let model = try modelOptions.load(try modelOptions.resolvedURL())
        let reader = DigitReader(model: model, preprocessing: raw ? false : nil)
        let asIs = DigitReader(model: model, preprocessing: false)
        let output = ReadingPrinter(json: json, unicode: Capabilities.localeIsUTF8(ProcessInfo.processInfo.environment))
        var failures = 0
        for file in files {
            do {
                let (images, indexed) = try Self.images(in: file)
                for (index, image) in images.enumerated() {
                    let reading = try (indexed ? asIs : reader).read(image, explain: explain)
                    output.print(reading, file: file, index: indexed ? index : nil)
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("digitty: \(file): \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The images in one file, and whether they are an IDX file's numbered, MNIST-style images.
    static func images(in file: String) throws -> (images: [GrayImage], indexed: Bool) {
        let bytes: [UInt8]
        do {
            bytes = try ImageFile.readBytes(of: URL(fileURLWithPath: file))
        } catch {
            guard case let .unreadable(_, reason) = error else { throw error }
            throw CLIError("cannot read: \(reason)")  // the caller names the file
        }
        // IDX files start with 00 00 08 03 (images); gzip'd ones with the gzip magic 1f 8b.
        if bytes.starts(with: [0x00, 0x00, 0x08, 0x03]) || bytes.starts(with: [0x1F, 0x8B]) {
            let idx = try IDXFile.decode(bytes, name: file)
            guard case .images = idx.kind else { throw CLIError("an IDX label file, not images") }
            return ((0..<idx.count).map { idx.image(at: $0) }, true)
        }
        return ([try ImageFile.decode(bytes)], false)
    }
}

/// Prints readings as text (the verdict and a bar chart) or as JSON lines.
struct ReadingPrinter {
    let json: Bool
    let unicode: Bool

    func print(_ reading: Reading, file: String, index: Int?) {
        if json {
            Swift.print(String(decoding: ReadingJSON.encode(reading, extra: { object in
                object.field("file", file)
                if let index { object.field("index", index) } else { object.null("index") }
            }, includingInput: reading.saliency != nil), as: UTF8.self))
            return
        }
        let name = index.map { "\(file)[\($0)]" } ?? file
        guard let label = reading.label else {
            Swift.print("\(name): empty image (no ink), no prediction\n")
            return
        }
        let percent = { (digit: Int) in String(format: "%.1f%%", Double(reading.probabilities[digit]) * 100) }
        switch reading.verdict {
        case .digit: Swift.print("\(name): \(label)  (\(percent(label)))")
        case .unsure: Swift.print("\(name): \(reading.summary)  (\(percent(label)), \(percent(reading.runnerUp ?? label)))")
        case .notADigit, .empty: Swift.print("\(name): \(reading.summary)")
        }
        Swift.print(BarChart(unicode: unicode).render(reading.probabilities, highlight: label))
        if let saliency = reading.saliency, let input = reading.input {
            Swift.print("why \(label): + pushed towards \(label), - away from it")
            Swift.print(SaliencyArt(unicode: unicode).render(saliency, width: input.width))
        }
    }
}
