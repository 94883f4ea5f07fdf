import ArgumentParser
import DigittyEngine
import DigittyTraining
import Foundation

/// `digitty eval`: a model's accuracy on the MNIST test set, per class, its confusion matrix, and the test
/// digits it gets wrong most confidently.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a model on the MNIST test set.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "MNIST directory (default: $DIGITTY_DATA, then the user cache).") var data: String?
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @Option(help: "How many confidently wrong digits to show.") var wrong = 5
    @Option(help: "Use only the first N test images.") var limit: Int?
    @Flag(help: "Also read generated junk and handwriting styles MNIST lacks (from a test-only seed).") var robustness = false
    @Option(help: "With --robustness: junk pictures of each kind.") var junk = 500
    @Option(help: "With --robustness: drawings of each handwriting style.") var styleDrawings = 300

    struct Mistake: Codable {
        var index: Int
        var label: Int
        var predicted: Int
        var confidence: Double
        var probabilities: [Double]
    }

    struct Report: Codable {
        var model: String
        /// The input scaling the model was run with.
        var scaling: String
        var images: Int
        var accuracy: Double
        var perClassAccuracy: [Double?]
        /// `confusion[label][predicted]`.
        var confusion: [[Int]]
        var mostConfidentlyWrong: [Mistake]
        /// Calibration, verdicts and (with `--robustness`) junk and styles.
        var calibration: RobustnessReport?
    }

    func run() async throws {
        guard wrong >= 0 else { throw ValidationError("--wrong must not be negative") }
        guard junk > 0, styleDrawings > 0 else { throw ValidationError("--junk and --style-drawings must be positive") }
        let url = try modelOptions.resolvedURL()
        let classifier = try modelOptions.load(url)
        var test = try MNISTTrainingData.testSet(directory: mnistDirectory(data))
        if let limit { test = test.subset(0..<max(0, limit)) }
        guard test.count > 0 else { throw CLIError("no test images") }
        var report = try Self.evaluate(classifier, on: test, name: url.lastPathComponent, wrong: wrong)
        report.calibration = try RobustnessReport(model: classifier, test: test,
                                                  robustness: robustness ? (junk, styleDrawings) : nil)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.text(report, images: test) + (report.calibration?.text ?? ""))
        }
    }

    static func evaluate(_ classifier: any ImageClassifier, on images: LabelledImages, name: String,
                         wrong: Int) throws -> Report {
        let size = images.imageSize
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        var mistakes: [Mistake] = []
        var first = 0
        while first < images.count {
            let count = min(1000, images.count - first)
            let pixels = images.pixels[first * size..<(first + count) * size].map { Float($0) / 255 }
            let probabilities = try classifier.probabilities(
                for: Tensor(shape: [count, images.height, images.width, 1], scalars: pixels))
            let classes = probabilities.shape.last ?? 10
            for slot in 0..<count {
                let row = Array(probabilities.scalars[slot * classes..<(slot + 1) * classes])
                let predicted = row.indices.prefix(10).max { row[$0] < row[$1] } ?? 0  // a digit, also for 11 outputs
                let label = Int(images.labels[first + slot])
                if label < 10, predicted < 10 { confusion[label][predicted] += 1 }
                if predicted != label {
                    mistakes.append(Mistake(index: first + slot, label: label, predicted: predicted,
                                            confidence: Double(row[predicted]), probabilities: row.map { Double($0) }))
                }
            }
            first += count
        }
        mistakes.sort { $0.confidence > $1.confidence }
        let correct = (0..<10).reduce(0) { $0 + confusion[$1][$1] }
        let perClass: [Double?] = (0..<10).map { label in
            let total = confusion[label].reduce(0, +)
            return total == 0 ? nil : Double(confusion[label][label]) / Double(total)
        }
        return Report(model: name, scaling: ScalingOptions.describe(classifier.input.scaling), images: images.count, accuracy: Double(correct) / Double(images.count),
                      perClassAccuracy: perClass, confusion: confusion, mostConfidentlyWrong: Array(mistakes.prefix(wrong)))
    }

    static func text(_ report: Report, images: LabelledImages) -> String {
        var lines = [String(format: "%@: %.2f%% of %d test images correct", report.model, report.accuracy * 100, report.images),
                     "input scaling: \(report.scaling)", ""]
        lines.append("per class: " + report.perClassAccuracy.enumerated().map { label, accuracy in
            "\(label) " + (accuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "–")
        }.joined(separator: "  "))
        lines.append("")
        lines.append("confusion matrix (rows: true label, columns: predicted)")
        lines.append("      " + (0..<10).map { String(format: "%5d", $0) }.joined())
        for label in 0..<10 {
            lines.append(String(format: "%5d ", label) + report.confusion[label].map { String(format: "%5d", $0) }.joined())
        }
        if report.mostConfidentlyWrong.contains(where: { $0.probabilities.count > 10 }) {
            lines.append("")
            lines.append("most confidently wrong (✗: not a digit):")
        }
        for mistake in report.mostConfidentlyWrong {
            lines.append("")
            lines.append(String(format: "test image %d: labelled %d, predicted %d with %.1f%%", mistake.index,
                                mistake.label, mistake.predicted, mistake.confidence * 100))
            let art = digitArt(images, index: mistake.index)
            // An eleventh output is "not a digit": its row is marked ✗, so that the rows stay one character wide.
            let bars = mistake.probabilities.enumerated().map { output, probability in
                (output < 10 ? "\(output)" : "✗") + String(format: " %5.1f%% ", probability * 100)
                    + String(repeating: "█", count: Int((probability * 20).rounded()))
            }
            for row in 0..<max(art.count, bars.count) {
                let left = row < art.count ? art[row] : String(repeating: " ", count: images.width)
                lines.append(left + "   " + (row < bars.count ? bars[row] : ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The image as text, two pixel rows per line (terminal cells are about twice as tall as wide).
    static func digitArt(_ images: LabelledImages, index: Int) -> [String] {
        let shades = Array(" .:-=+*#%@")
        var lines: [String] = []
        var row = 0
        while row < images.height {
            var line = ""
            for column in 0..<images.width {
                let top = Int(images.pixels[index * images.imageSize + row * images.width + column])
                let bottom = row + 1 < images.height
                    ? Int(images.pixels[index * images.imageSize + (row + 1) * images.width + column]) : top
                line.append(shades[min(shades.count - 1, (top + bottom) / 2 * shades.count / 256)])
            }
            lines.append(line)
            row += 2
        }
        return lines
    }
}
