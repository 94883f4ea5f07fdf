import DigittyEngine

/// What the reader concluded about an image, the same for every front end.
public enum Verdict: String, Sendable, Equatable, CaseIterable {
    /// One digit is likely enough to be the answer.
    case digit
    /// A digit, but no single one is likely enough: the front ends say "not sure: 4 or 9".
    case unsure
    /// The model's "not a digit" output won (letters, shapes, scribbles, noise).
    case notADigit = "not_a_digit"
    /// The image has no ink: nothing was read.
    case empty

    /// The verdict for calibrated digit probabilities (ten, summing to 1) and, for a model that has one, the
    /// calibrated probability of its "not a digit" output.
    public static func of(digits: [Float], notADigit: Float?, calibration: Calibration) -> Verdict {
        if let notADigit, let threshold = calibration.notADigitAtLeast, notADigit >= threshold { return .notADigit }
        return (digits.max() ?? 0) < calibration.unsureBelow ? .unsure : .digit
    }
}
