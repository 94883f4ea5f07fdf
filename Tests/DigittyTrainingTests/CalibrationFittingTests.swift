@testable import DigittyTraining
import Foundation
import Testing
@testable import DigittyEngine

/// Temperature fitting, reliability bins (ECE), the verdict thresholds, AUROC and widening a model by a class.
@Suite struct CalibrationFittingTests {
    /// Rows of three-class probabilities `softmax(z)` whose labels were drawn from `softmax(z / truth)`.
    static func overconfident(truth: Double, rows: Int) -> (probabilities: [Float], labels: [Int]) {
        var random = SeededRandom(seed: 7)
        var probabilities: [Float] = [], labels: [Int] = []
        for _ in 0 ..< rows {
            let z = (0 ..< 3).map { _ in Double(random.nextUnit()) * 8 - 4 }
            let raw = z.map { exp($0) }, rawSum = raw.reduce(0, +)
            probabilities += raw.map { Float($0 / rawSum) }
            let tempered = z.map { exp($0 / truth) }, temperedSum = tempered.reduce(0, +)
            var u = Double(random.nextUnit()) * temperedSum, label = 0
            while label < 2, u >= tempered[label] { u -= tempered[label]; label += 1 }
            labels.append(label)
        }
        return (probabilities, labels)
    }

    @Test func temperatureFittingRecoversTheTemperatureTheLabelsWereDrawnWith() {
        for truth in [0.5, 2.0] {
            let data = Self.overconfident(truth: truth, rows: 20000)
            let fitted = TemperatureFitting.fit(probabilities: data.probabilities, classes: 3, labels: data.labels)
            #expect(abs(Double(fitted) - truth) < 0.1 * truth, "fitted \(fitted) for \(truth)")
            let atFit = TemperatureFitting.negativeLogLikelihood(probabilities: data.probabilities, classes: 3,
                                                                 labels: data.labels, temperature: fitted)
            for other: Float in [fitted * 0.8, fitted * 1.25, 1] {
                #expect(atFit <= TemperatureFitting.negativeLogLikelihood(probabilities: data.probabilities, classes: 3,
                                                                         labels: data.labels, temperature: other))
            }
        }
    }

    @Test func expectedCalibrationErrorIsTheCountWeightedGapPerBin() {
        // Bin 0.9–1.0 (with 15 bins: 14/15 = 0.933… to 1): 0.95 and 1.0, one right: confidence 0.975, accuracy 0.5.
        // Bin 0.6–0.667: 0.65 twice, both right: confidence 0.65, accuracy 1.
        let bins = ReliabilityBins(confidences: [0.95, 1.0, 0.65, 0.65], correct: [true, false, true, true])
        #expect(bins.bins.count == 15)
        #expect(bins.bins[14].count == 2 && bins.bins[9].count == 2)
        let expected = (2 * abs(0.5 - 0.975) + 2 * abs(1 - 0.65)) / 4
        #expect(abs(bins.expectedCalibrationError - expected) < 1e-6)
        #expect(ReliabilityBins(confidences: [0.7, 0.7], correct: [true, false]).expectedCalibrationError > 0.19)
        #expect(ReliabilityBins(confidences: [], correct: []).expectedCalibrationError == 0)
    }

    @Test func unsureThresholdTradesWrongAnswersAgainstUnsureOnes() {
        // Four wrong answers at 0.5 cost 4 unless called unsure (4 × 0.25 = 1); right ones at 0.9 must stay.
        let confidences: [Float] = [0.5, 0.5, 0.5, 0.5] + [Float](repeating: 0.9, count: 20)
        let correct = [false, false, false, false] + [Bool](repeating: true, count: 20)
        let threshold = VerdictThresholds.unsureBelow(confidences: confidences, correct: correct)
        #expect(threshold > 0.5 && threshold <= 0.9)
        // All right: nothing gained by being unsure, so the lowest candidate.
        #expect(VerdictThresholds.unsureBelow(confidences: [0.5, 0.9], correct: [true, true]) == 0.3)
    }

    @Test func notADigitThresholdRejectsAtMostTheBudgetOfDigits() {
        let scores: [Float] = (0 ..< 1000).map { Float($0) / 1000 * 0.5 } + [0.9, 0.95]  // two digits look like junk
        let loose = VerdictThresholds.notADigitAtLeast(digitScores: scores, falseRejection: 0.002)
        #expect(scores.count(where: { $0 >= loose }) <= 2)
        #expect(loose <= 0.51)
        let strict = VerdictThresholds.notADigitAtLeast(digitScores: scores, falseRejection: 0)
        #expect(scores.allSatisfy { $0 < strict })
        #expect(strict > 0.95)
    }

    @Test func areaUnderTheCurveCountsPairsInOrderAndTiesAsHalf() {
        #expect(RejectionCurve.areaUnderCurve(positives: [0.9, 0.8], negatives: [0.1, 0.2]) == 1)
        #expect(RejectionCurve.areaUnderCurve(positives: [0.1], negatives: [0.9]) == 0)
        #expect(RejectionCurve.areaUnderCurve(positives: [0.5, 0.5], negatives: [0.5]) == 0.5)
        // Pairs: (0.6 > 0.2) yes, (0.6 vs 0.6) half, (0.3 > 0.2) yes, (0.3 < 0.6) no: 2.5 / 4.
        #expect(RejectionCurve.areaUnderCurve(positives: [0.6, 0.3], negatives: [0.2, 0.6]) == 0.625)
        #expect(RejectionCurve.areaUnderCurve(positives: [], negatives: [0.2]) == 0.5)
    }

    @Test func wideningKeepsTheOldClassesAndStartsTheNewOneAtZero() throws {
        let specs: [LayerSpec] = [.flatten, .dense(units: 4), .relu, .dense(units: 3), .softmax]
        var random = SeededRandom(seed: 3)
        func tensor(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, scalars: (0 ..< shape.reduce(1, *)).map { _ in random.nextUnit() - 0.5 })
        }
        let weights = ["layers.1.weight": tensor([4, 4]), "layers.1.bias": tensor([4]),
                       "layers.3.weight": tensor([4, 3]), "layers.3.bias": tensor([3])]
        let model = try SequentialModel(name: "small", input: InputSpec(height: 2, width: 2), specs: specs) { weights[$0] }
        let wide = try model.widened()
        #expect(wide.specs == [.flatten, .dense(units: 4), .relu, .dense(units: 4), .softmax])
        let image = Tensor(shape: [1, 2, 2, 1], scalars: [0.1, 0.9, 0.4, 0.7])
        let old = try model.probabilities(for: image).scalars, new = try wide.probabilities(for: image).scalars
        let digits = new.prefix(3).reduce(0, +)
        for index in 0 ..< 3 { #expect(abs(new[index] / digits - old[index]) < 1e-5) }
        #expect(new.count == 4 && new[3] > 0)
        #expect(SequentialModel.widening([.dense(units: 10), .softmax]) == [.dense(units: 11), .softmax])
    }
}
