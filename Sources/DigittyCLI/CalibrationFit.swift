import DigittyTraining
import DigittyEngine
import DigittyVision

/// Fits a model's calibration on validation images: the temperature on the digits (lowest negative
/// log-likelihood), then, from the calibrated probabilities, the "unsure" threshold (lowest cost, see
/// `VerdictThresholds`) and, for an eleven-output model, the lowest "not a digit" threshold that calls at most
/// `falseRejection` of the validation digits "not a digit". Junk among the images (label 10) is only measured.
struct CalibrationFit {
    var calibration: Calibration
    /// On the validation digits: negative log-likelihood and expected calibration error (15 bins), raw and
    /// calibrated.
    var negativeLogLikelihood: (raw: Double, calibrated: Double)
    var expectedCalibrationError: (raw: Double, calibrated: Double)
    /// With the fitted calibration: validation digits called "not a digit" or "unsure", and junk called "not a digit".
    var falseRejection: Double
    var unsure: Double
    var junkRejection: Double?

    init(model: any ImageClassifier, validation: LabelledImages, falseRejection budget: Double) throws {
        let raw = try LabelledReadings(validation, model: Recalibrated(base: model, calibration: Calibration()))
        let rawDigits = raw.digits
        guard !rawDigits.isEmpty else { throw CLIError("no validation digits to calibrate on") }
        let labels = rawDigits.map(\.label)
        let rawRows = rawDigits.flatMap(\.reading.probabilities)
        let temperature = TemperatureFitting.fit(probabilities: rawRows, classes: 10, labels: labels)
        let calibrated = try LabelledReadings(validation, model: Recalibrated(base: model, calibration: Calibration(temperature: temperature)))
        let digits = calibrated.digits
        let correct = digits.map { $0.reading.label == $0.label }
        let unsureBelow = VerdictThresholds.unsureBelow(confidences: digits.map(\.reading.confidence), correct: correct)
        let scores = digits.compactMap(\.reading.notADigitProbability)
        let notADigitAtLeast = scores.count == digits.count && !scores.isEmpty
            ? VerdictThresholds.notADigitAtLeast(digitScores: scores, falseRejection: budget) : nil
        calibration = Calibration(temperature: temperature, unsureBelow: unsureBelow, notADigitAtLeast: notADigitAtLeast)

        negativeLogLikelihood = (
            TemperatureFitting.negativeLogLikelihood(probabilities: rawRows, classes: 10, labels: labels, temperature: 1),
            TemperatureFitting.negativeLogLikelihood(probabilities: rawRows, classes: 10, labels: labels, temperature: temperature))
        expectedCalibrationError = (
            ReliabilityBins(confidences: rawDigits.map(\.reading.confidence), correct: rawDigits.map { $0.reading.label == $0.label })
                .expectedCalibrationError,
            ReliabilityBins(confidences: digits.map(\.reading.confidence), correct: correct).expectedCalibrationError)
        let calibration = self.calibration
        let verdicts = digits.map { Verdict.of(digits: $0.reading.probabilities, notADigit: $0.reading.notADigitProbability,
                                               calibration: calibration) }
        falseRejection = Double(verdicts.count(where: { $0 == .notADigit })) / Double(digits.count)
        unsure = Double(verdicts.count(where: { $0 == .unsure })) / Double(digits.count)
        let junk = calibrated.junk
        junkRejection = junk.isEmpty ? nil : Double(junk.count(where: {
            Verdict.of(digits: $0.probabilities, notADigit: $0.notADigitProbability, calibration: calibration) == .notADigit
        })) / Double(junk.count)
    }
}
