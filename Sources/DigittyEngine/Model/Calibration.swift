import Foundation

/// How a model's raw outputs become the probabilities and verdict a person is shown, as fitted on validation
/// data after training and recorded in the model file (metadata key `calibration`).
///
/// A model without it reads as `Calibration()`: temperature 1, the raw probabilities, "unsure" below 60%.
public struct Calibration: Codable, Sendable, Equatable {
    /// Temperature scaling: probabilities become `softmax(log p / temperature)`. Fitted on validation by
    /// minimising the negative log-likelihood; above 1 softens over-confident outputs.
    public var temperature: Float
    /// Below this calibrated probability of the most likely digit, the verdict is "unsure".
    public var unsureBelow: Float
    /// For a model with an eleventh "not a digit" output: at or above this calibrated probability of that
    /// output, the verdict is "not a digit". Nil for ten-output models, which never say it.
    public var notADigitAtLeast: Float?

    public init(temperature: Float = 1, unsureBelow: Float = 0.6, notADigitAtLeast: Float? = nil) {
        self.temperature = temperature
        self.unsureBelow = unsureBelow
        self.notADigitAtLeast = notADigitAtLeast
    }

    /// Whether the values make sense: a positive finite temperature and thresholds in 0…1.
    public var isValid: Bool {
        temperature.isFinite && temperature > 0 && unsureBelow >= 0 && unsureBelow <= 1
            && (notADigitAtLeast.map { $0 >= 0 && $0 <= 1 } ?? true)
    }

    /// Applies the temperature to one row of probabilities in place (a no-op at temperature 1).
    /// Log-probabilities are floored at `log(1e-30)` so that an exact zero stays finite.
    public func apply(toProbabilities row: inout [Float]) {
        guard temperature != 1, !row.isEmpty else { return }
        let inverse = 1 / temperature
        let logits = row.map { log(Swift.max($0, 1e-30)) * inverse }
        let largest = logits.max() ?? 0
        var sum: Float = 0
        for index in row.indices {
            row[index] = exp(logits[index] - largest)
            sum += row[index]
        }
        for index in row.indices { row[index] /= sum }
    }

    enum CodingKeys: String, CodingKey {
        case temperature, unsureBelow = "unsure_below", notADigitAtLeast = "not_a_digit_at_least"
    }
}
