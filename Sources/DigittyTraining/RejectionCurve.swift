import DigittyEngine
/// How well a score separates two populations, e.g. junk (positives) from digits (negatives) by a model's
/// "not a digit" probability.
public enum RejectionCurve {
    /// The area under the ROC curve: the chance that a random positive scores above a random negative, ties
    /// counting half (the Mann–Whitney statistic). 0.5 when either population is empty.
    public static func areaUnderCurve(positives: [Float], negatives: [Float]) -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else { return 0.5 }
        let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSum = 0.0, index = 0
        while index < all.count {
            var end = index
            while end + 1 < all.count, all[end + 1].0 == all[index].0 { end += 1 }
            let rank = Double(index + end) / 2 + 1  // the mean 1-based rank of the tied run
            rankSum += rank * Double(all[index ... end].count(where: \.1))
            index = end + 1
        }
        let p = Double(positives.count), n = Double(negatives.count)
        return (rankSum - p * (p + 1) / 2) / (p * n)
    }
}
