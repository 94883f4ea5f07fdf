import DigittyEngine
import Foundation

/// Temperature scaling (Guo et al. 2017): the one temperature T for which `softmax(log p / T)` gives held-out
/// data the lowest negative log-likelihood. Fitted on validation data after training; T above 1 softens an
/// over-confident model, below 1 sharpens an under-confident one. The ranking of classes never changes.
public enum TemperatureFitting {
    /// The temperatures searched: 0.05 … 20, by golden-section search on log T (the likelihood is unimodal in T).
    public static let range: ClosedRange<Double> = 0.05 ... 20

    /// The fitted temperature for rows of probabilities (`classes` per row, each summing to 1) and their labels.
    public static func fit(probabilities: [Float], classes: Int, labels: [Int]) -> Float {
        precondition(classes > 0 && probabilities.count == classes * labels.count, "one row of probabilities per label")
        guard !labels.isEmpty else { return 1 }
        let logits = probabilities.map { Double(log(max($0, 1e-30))) }
        let golden = (5.0.squareRoot() - 1) / 2
        var (low, high) = (log(range.lowerBound), log(range.upperBound))
        var a = high - golden * (high - low), b = low + golden * (high - low)
        var fa = loss(logits, classes, labels, exp(a)), fb = loss(logits, classes, labels, exp(b))
        for _ in 0 ..< 60 {
            if fa < fb {
                (high, b, fb) = (b, a, fa)
                a = high - golden * (high - low)
                fa = loss(logits, classes, labels, exp(a))
            } else {
                (low, a, fa) = (a, b, fb)
                b = low + golden * (high - low)
                fb = loss(logits, classes, labels, exp(b))
            }
        }
        return Float(exp((low + high) / 2))
    }

    /// The mean negative log-likelihood of the labels under `softmax(log p / temperature)`.
    public static func negativeLogLikelihood(probabilities: [Float], classes: Int, labels: [Int], temperature: Float) -> Double {
        loss(probabilities.map { Double(log(max($0, 1e-30))) }, classes, labels, Double(temperature))
    }

    private static func loss(_ logits: [Double], _ classes: Int, _ labels: [Int], _ temperature: Double) -> Double {
        var total = 0.0
        for (row, label) in labels.enumerated() {
            let values = logits[row * classes ..< (row + 1) * classes].map { $0 / temperature }
            let largest = values.max()!
            let sum = values.reduce(0) { $0 + exp($1 - largest) }
            total += largest + log(sum) - values[values.startIndex + label]
        }
        return total / Double(labels.count)
    }
}
