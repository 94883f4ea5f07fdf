import DigittyTraining
import DigittyEngine
import DigittyVision
import Foundation

/// What `digitty eval` adds to accuracy: how calibrated the probabilities are on the MNIST test digits (ECE,
/// 15 bins, raw and as shipped, with a reliability diagram), the verdicts they get, and, with `--robustness`,
/// the verdicts on junk and on handwriting styles MNIST lacks, generated from a test seed that training,
/// calibration and validation never use.
struct RobustnessReport: Codable {
    /// The seed of the test junk and test style drawings.
    static let testSeed: UInt64 = 0x7E57_5EED

    struct Bin: Codable {
        var lower: Double, upper: Double, count: Int, confidence: Double, accuracy: Double
    }

    /// Whether the model file records a calibration (a model without one reads with `Calibration()`).
    var calibrated: Bool
    var temperature: Float
    var unsureBelow: Float
    var notADigitAtLeast: Float?
    /// ECE of the top digit probability on the test digits, raw (temperature 1) and as the reader shows it.
    var eceRaw: Double
    var eceCalibrated: Double
    var reliability: [Bin]
    /// Verdicts on the test digits, by name (`digit`, `unsure`, `not_a_digit`).
    var verdicts: [String: Int]
    /// Test digits called "not a digit".
    var falseRejection: Double
    /// With `--robustness`: the share of each junk kind called "not a digit" (and of all of them), AUROC of the
    /// rejection score (the "not a digit" probability, else 1 − the top digit probability) junk against the
    /// test digits, and per style the share of drawings whose top digit is right.
    var junkRejection: [String: Double]?
    var junkRejectionAll: Double?
    var auroc: Double?
    var styleAccuracy: [String: Double]?
    /// The styles never trained on.
    var heldOutStyles: [String]?
    /// The first test drawing of each style and junk kind as text art (two pixel rows a line).
    var samples: [String: [String]]?

    init(model: any ImageClassifier, test: LabelledImages, robustness: (junk: Int, styles: Int)?) throws {
        let calibration = model.calibration
        calibrated = calibration != Calibration()
        (temperature, unsureBelow, notADigitAtLeast) = (calibration.temperature, calibration.unsureBelow, calibration.notADigitAtLeast)
        let raw = try LabelledReadings(test, model: Recalibrated(base: model, calibration: Calibration())).digits
        let shown = try LabelledReadings(test, model: model).digits
        eceRaw = ReliabilityBins(confidences: raw.map(\.reading.confidence), correct: raw.map { $0.reading.label == $0.label })
            .expectedCalibrationError
        let bins = ReliabilityBins(confidences: shown.map(\.reading.confidence), correct: shown.map { $0.reading.label == $0.label })
        eceCalibrated = bins.expectedCalibrationError
        reliability = bins.bins.map { Bin(lower: $0.lower, upper: $0.upper, count: $0.count, confidence: $0.meanConfidence, accuracy: $0.accuracy) }
        verdicts = Dictionary(grouping: shown, by: \.reading.verdict.rawValue).mapValues(\.count)
        falseRejection = Double(verdicts[Verdict.notADigit.rawValue] ?? 0) / Double(max(1, shown.count))
        guard let robustness else { return }

        var samples: [String: [String]] = [:]
        var rejection: [String: Double] = [:], junkScores: [Float] = [], rejected = 0
        for (number, kind) in Junk.allCases.enumerated() {
            let images = SyntheticImages.junk([kind], perKind: robustness.junk, digits: test, seed: Self.testSeed &+ UInt64(number))
            let readings = try LabelledReadings(images, model: model).readings
            samples[kind.rawValue] = images.count > 0 ? EvalCommand.digitArt(images, index: 0) : []
            let count = readings.count(where: { $0.verdict == .notADigit })
            rejection[kind.rawValue] = Double(count) / Double(max(1, readings.count))
            rejected += count
            junkScores += readings.map(Self.rejectionScore)
        }
        junkRejection = rejection
        junkRejectionAll = Double(rejected) / Double(max(1, junkScores.count))
        auroc = RejectionCurve.areaUnderCurve(positives: junkScores, negatives: shown.map { Self.rejectionScore($0.reading) })
        var accuracy: [String: Double] = [:]
        for (number, style) in StrokeStyle.allCases.enumerated() {
            let images = SyntheticImages.styles([style], perStyle: robustness.styles, seed: Self.testSeed &+ UInt64(number))
            samples[style.rawValue] = images.count > 0 ? EvalCommand.digitArt(images, index: 0) : []
            let drawings = try LabelledReadings(images, model: model)
            accuracy[style.rawValue] = Double(drawings.digits.count(where: { $0.reading.label == $0.label }))
                / Double(max(1, drawings.readings.count))
        }
        styleAccuracy = accuracy
        heldOutStyles = StrokeStyle.heldOutStyles.map(\.rawValue)
        self.samples = samples
    }

    /// How strongly a reading says "not a digit".
    static func rejectionScore(_ reading: Reading) -> Float {
        reading.notADigitProbability ?? (1 - reading.confidence)
    }

    var text: String {
        var lines: [String] = [""]
        lines.append(calibrated
            ? String(format: "calibration: temperature %.3f, unsure below %.2f", temperature, unsureBelow)
                + (notADigitAtLeast.map { String(format: ", not a digit at %.2f or more", $0) } ?? "")
            : "calibration: none recorded in the model file (temperature 1, raw probabilities, unsure below 60%)")
        lines.append(String(format: "expected calibration error (15 bins, top probability): %.2f%% raw, %.2f%% as shown",
                            eceRaw * 100, eceCalibrated * 100))
        lines.append("reliability (as shown): confidence bin, digits, mean confidence, accuracy")
        for bin in reliability where bin.count > 0 {
            let bar = String(repeating: "█", count: Int((bin.accuracy * 30).rounded()))
            let mark = Int((bin.confidence * 30).rounded())
            var row = Array(bar.padding(toLength: 31, withPad: " ", startingAt: 0))
            row[min(30, mark)] = "|"
            lines.append(String(format: "  %.2f–%.2f %6d  %5.1f%% %5.1f%%  ", bin.lower, bin.upper, bin.count,
                                bin.confidence * 100, bin.accuracy * 100) + String(row))
        }
        lines.append("  (█ accuracy, | mean confidence: on a calibrated model they meet)")
        lines.append("verdicts on the test digits: " + Verdict.allCases.filter { $0 != .empty }.map {
            "\($0.rawValue) \(verdicts[$0.rawValue] ?? 0)"
        }.joined(separator: ", ") + String(format: " (false rejection %.2f%%)", falseRejection * 100))
        if let junkRejection, let junkRejectionAll, let auroc {
            lines.append("")
            lines.append(String(format: "junk called 'not a digit': %.2f%% (AUROC %.4f against the test digits)",
                                junkRejectionAll * 100, auroc))
            lines.append("  " + Junk.allCases.map { String(format: "%@ %.1f%%", $0.rawValue, (junkRejection[$0.rawValue] ?? 0) * 100) }
                .joined(separator: ", "))
        }
        if let styleAccuracy {
            lines.append("styles MNIST lacks, top digit right (* held out of training):")
            lines.append("  " + StrokeStyle.allCases.map { String(format: "%@%@ %.1f%%", $0.rawValue, $0.heldOut ? "*" : "",
                                                                      (styleAccuracy[$0.rawValue] ?? 0) * 100) }
                .joined(separator: ", "))
        }
        if let samples {
            let names = StrokeStyle.allCases.map(\.rawValue) + Junk.allCases.map(\.rawValue)
            for row in stride(from: 0, to: names.count, by: 5) {
                let group = names[row ..< min(names.count, row + 5)]
                lines.append("")
                lines.append(group.map { $0.padding(toLength: 30, withPad: " ", startingAt: 0) }.joined())
                for line in 0 ..< 14 {
                    lines.append(group.map { (samples[$0]?[line] ?? "").padding(toLength: 30, withPad: " ", startingAt: 0) }
                        .joined())
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
