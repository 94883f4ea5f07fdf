import DigittyEngine
/// How well confidences match accuracy: predictions put in equal-width bins by their confidence (the top
/// probability), each bin's mean confidence against its share correct. The expected calibration error (ECE) is
/// the mean gap, weighted by how many predictions fall in each bin (Naeini et al. 2015; 15 bins as Guo et al.).
public struct ReliabilityBins: Sendable, Equatable {
    public struct Bin: Sendable, Equatable {
        /// Confidences in `lower ..< upper` (the last bin includes 1).
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanConfidence: Double
        public var accuracy: Double
    }

    public let bins: [Bin]
    public let total: Int

    /// Bins `confidences` (0…1) with whether each prediction was right.
    public init(confidences: [Float], correct: [Bool], binCount: Int = 15) {
        precondition(confidences.count == correct.count && binCount > 0, "one confidence per prediction")
        var counts = [Int](repeating: 0, count: binCount)
        var confidenceSums = [Double](repeating: 0, count: binCount), rightCounts = [Int](repeating: 0, count: binCount)
        for (confidence, right) in zip(confidences, correct) {
            let value = Double(min(max(confidence, 0), 1))
            let bin = min(binCount - 1, Int(value * Double(binCount)))
            counts[bin] += 1
            confidenceSums[bin] += value
            if right { rightCounts[bin] += 1 }
        }
        bins = (0 ..< binCount).map { bin in
            Bin(lower: Double(bin) / Double(binCount), upper: Double(bin + 1) / Double(binCount), count: counts[bin],
                meanConfidence: counts[bin] == 0 ? 0 : confidenceSums[bin] / Double(counts[bin]),
                accuracy: counts[bin] == 0 ? 0 : Double(rightCounts[bin]) / Double(counts[bin]))
        }
        total = confidences.count
    }

    /// The expected calibration error, 0…1.
    public var expectedCalibrationError: Double {
        guard total > 0 else { return 0 }
        return bins.reduce(0) { $0 + Double($1.count) * abs($1.accuracy - $1.meanConfidence) } / Double(total)
    }
}
