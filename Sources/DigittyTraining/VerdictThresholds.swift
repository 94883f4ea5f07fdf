import DigittyEngine
/// The verdict thresholds of a `Calibration`, chosen on validation data from calibrated probabilities.
public enum VerdictThresholds {
    /// What an "unsure" verdict costs against a wrong "digit" verdict (1): a person shown "not sure: 4 or 9"
    /// still has to choose, but is not misled.
    public static let unsureCost = 0.25
    /// The candidate thresholds, 0.30 … 0.95 by 0.01.
    static let unsureCandidates: [Float] = (30 ... 95).map { Float($0) / 100 }
    /// The candidate "not a digit" thresholds, 0.05 … 0.99 by 0.01.
    static let notADigitCandidates: [Float] = (5 ... 99).map { Float($0) / 100 }

    /// The "unsure below" threshold with the lowest cost on validation digits: each wrong digit verdict costs 1,
    /// each unsure verdict `unsureCost`. `confidences` are the calibrated top digit probabilities; ties go to the
    /// lower threshold.
    public static func unsureBelow(confidences: [Float], correct: [Bool]) -> Float {
        precondition(confidences.count == correct.count, "one confidence per prediction")
        var best = (threshold: unsureCandidates[0], cost: Double.infinity)
        for threshold in unsureCandidates {
            var cost = 0.0
            for (confidence, right) in zip(confidences, correct) {
                if confidence < threshold { cost += unsureCost } else if !right { cost += 1 }
            }
            if cost < best.cost { best = (threshold, cost) }
        }
        return best.threshold
    }

    /// The lowest "not a digit" threshold (rejecting the most junk) at which at most `falseRejection` of the
    /// validation digits, by their calibrated "not a digit" probabilities, would be called "not a digit".
    public static func notADigitAtLeast(digitScores: [Float], falseRejection: Double) -> Float {
        let allowed = Int((Double(digitScores.count) * falseRejection).rounded(.down))
        for threshold in notADigitCandidates where digitScores.count(where: { $0 >= threshold }) <= allowed {
            return threshold
        }
        return notADigitCandidates.last!
    }
}
