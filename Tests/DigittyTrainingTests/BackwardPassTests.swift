@testable import DigittyTraining
import Testing
@testable import DigittyEngine

/// Every layer's backward pass against central finite differences of the loss, on tiny models in which the
/// layer under test sits between a convolution (whose weight gradient then depends on the tested layer's
/// input gradient) and a dense classifier.
///
/// The loss is evaluated in Float, so each difference uses a step of 1e-3 and the analytic gradient must be
/// within 3e-3 + 3% of it. Piecewise-linear layers (ReLU, max pooling) have kinks a finite step can cross: a
/// miss is retried with steps 4 and 16 times smaller, and at most 2% of the parameters may still miss; a wrong
/// backward pass misses on most of them.
@Suite struct BackwardPassTests {
    static func check(_ middle: [LayerSpec], sample: [Int] = [6, 6, 2], batch: Int = 3, flatten: Bool = true,
                      tail: [LayerSpec] = [.dense(units: 4), .softmax], seed: UInt64 = 7,
                      prepare: (TrainableModel) -> Void = { _ in }) throws {
        let specs: [LayerSpec] = [.conv2D(filters: 3, kernelSize: 2)] + middle + (flatten ? [.flatten] : []) + tail
        let input = InputSpec(height: sample[0], width: sample[1], sampleShape: sample)
        let model = try TrainableModel(name: "check", input: input, specs: specs, maxBatch: batch, seed: seed)
        prepare(model)
        var generator = SeededRandom(seed: seed + 1)
        let inputs = (0..<batch * model.sampleSize).map { _ in generator.nextUnit() * 2 - 1 }
        let labels = (0..<batch).map { _ in Int(generator.next() % UInt64(model.classes)) }
        _ = model.lossAndGradients(inputs: inputs, labels: labels)
        let analytic = model.gradients.array
        let step: Float = 1e-3
        var checked = 0, missed: [String] = []
        for range in model.trainableRanges {
            for index in range {
                func numeric(_ step: Float) -> Double {
                    let original = model.parameters.base[index]
                    model.parameters.base[index] = original + step
                    let plus = model.lossAndGradients(inputs: inputs, labels: labels)
                    model.parameters.base[index] = original - step
                    let minus = model.lossAndGradients(inputs: inputs, labels: labels)
                    model.parameters.base[index] = original
                    return (plus - minus) / Double(2 * step)
                }
                func agrees(_ numeric: Double) -> Bool {
                    abs(numeric - Double(analytic[index])) <= 3e-3 + 0.03 * abs(numeric)
                }
                checked += 1
                // A miss is confirmed with steps 4 and 16 times smaller, which no longer cross a nearby kink.
                let coarse = numeric(step)
                if !agrees(coarse) && !agrees(numeric(step / 4)) && !agrees(numeric(step / 16)) {
                    missed.append("parameter \(index): analytic \(analytic[index]), numeric \(coarse)")
                }
            }
        }
        #expect(checked > 20)
        #expect(Double(missed.count) <= 0.02 * Double(checked), "\(missed.count) of \(checked) differ: \(missed.prefix(5))")
        // The gradients are not all zero (else the check would be vacuous).
        #expect(analytic.contains { abs($0) > 1e-4 })
    }

    @Test func conv2DValid() throws { try Self.check([.conv2D(filters: 4, kernelSize: 3)]) }
    @Test func conv2DSamePadding() throws { try Self.check([.conv2D(filters: 4, kernelSize: 3, padding: .same)]) }
    @Test func conv2DStrided() throws { try Self.check([.conv2D(filters: 2, kernelSize: 3, stride: 2, padding: .same)]) }
    @Test func conv2DManyChannels() throws {
        // 20 filters and a 5×5×3 patch exercise the 16-wide panels and tails of the kernels.
        try Self.check([.conv2D(filters: 20, kernelSize: 3, padding: .same)], sample: [6, 6, 2], batch: 2)
    }
    @Test func dense() throws { try Self.check([.flatten, .dense(units: 7)], flatten: false) }
    @Test func denseWide() throws {
        // 40 units and 75 inputs: panels of 32 and 16 and scalar tails.
        try Self.check([.flatten, .dense(units: 40)], flatten: false, tail: [.dense(units: 3), .softmax])
    }
    @Test func maxPool() throws { try Self.check([.maxPool2D(size: 2)]) }
    @Test func maxPoolEightChannels() throws { try Self.check([.conv2D(filters: 8, kernelSize: 1), .maxPool2D(size: 2)]) }
    @Test func maxPoolSameStrided() throws { try Self.check([.maxPool2D(size: 3, stride: 2, padding: .same)]) }
    @Test func averagePool() throws { try Self.check([.averagePool2D(size: 2)]) }
    @Test func averagePoolSame() throws { try Self.check([.averagePool2D(size: 3, stride: 2, padding: .same)]) }
    @Test func globalAveragePool() throws { try Self.check([.globalAveragePool], flatten: false) }
    @Test func relu() throws { try Self.check([.relu]) }
    /// ReLU folded into the Dense before it, and Flatten sharing its input's buffers (as in the simple CNN).
    @Test func reluAfterDenseAndFlattenInPlace() throws {
        try Self.check([.relu, .maxPool2D(size: 2), .flatten, .dense(units: 6), .relu], flatten: false)
    }
    /// The max pool after a folded ReLU applies the ReLU's derivative itself; the gradients are bit for bit
    /// those of the ReLU's own backward pass.
    @Test func maxPoolApplyingReLUDerivativeMatchesReLUBackward() throws {
        let specs: [LayerSpec] = [.conv2D(filters: 8, kernelSize: 3), .relu, .maxPool2D(size: 2), .flatten,
                                  .dense(units: 5), .softmax]
        let input = InputSpec(height: 9, width: 9, sampleShape: [9, 9, 1])
        var generator = SeededRandom(seed: 3)
        let inputs = (0..<4 * 81).map { _ in generator.nextUnit() * 2 - 1 }
        let labels = [0, 3, 1, 4]
        let fused = try TrainableModel(name: "fused", input: input, specs: specs, maxBatch: 4, seed: 11)
        let separate = try TrainableModel(name: "separate", input: input, specs: specs, maxBatch: 4, seed: 11)
        let pool = try #require(separate.layers[2] as? TrainablePool)
        let relu = try #require(separate.layers[1] as? TrainableActivation)
        #expect(pool.appliesReLUDerivative && relu.derivativeAppliedByNextLayer)
        pool.appliesReLUDerivative = false
        relu.derivativeAppliedByNextLayer = false
        #expect(fused.lossAndGradients(inputs: inputs, labels: labels)
                == separate.lossAndGradients(inputs: inputs, labels: labels))
        #expect(fused.gradients.array == separate.gradients.array)
        // Some windows are all below zero (their pooled value is 0), so the mask matters.
        #expect(fused.activations[3].array.contains(0))
    }
    @Test func leakyReLU() throws { try Self.check([.leakyReLU(alpha: 0.2)]) }
    @Test func batchNorm() throws { try Self.check([.batchNorm(), .relu], batch: 4) }
    /// Fine-tuning's batch norm: normalised by running statistics (set away from 0 and 1 here).
    @Test func batchNormWithFrozenStatistics() throws {
        try Self.check([.batchNorm(), .relu], batch: 4) { model in
            var values = model.parameterValues
            for entry in model.layout where entry.name.hasSuffix(".mean") || entry.name.hasSuffix(".variance") {
                for index in entry.range { values[index] = entry.name.hasSuffix(".mean") ? 0.3 : 0.5 + Float(index % 3) }
            }
            model.parameterValues = values
            model.batchNormStatisticsFrozen = true
        }
    }

    /// Frozen statistics stay as they are through a training step; unfrozen, the step moves them.
    @Test func frozenBatchNormStatisticsStayPut() throws {
        let input = InputSpec(height: 6, width: 6, sampleShape: [6, 6, 2])
        let model = try TrainableModel(name: "frozen", input: input, specs: [
            .conv2D(filters: 3, kernelSize: 2), .batchNorm(), .relu, .flatten, .dense(units: 4), .softmax,
        ], maxBatch: 4, seed: 3)
        let inputs = (0..<4 * 72).map { Float($0 % 7) / 7 }
        let statistics = model.layout.filter { $0.name.hasSuffix(".mean") || $0.name.hasSuffix(".variance") }
        #expect(statistics.count == 2)
        let before = model.parameterValues
        model.batchNormStatisticsFrozen = true
        _ = model.lossAndGradients(inputs: inputs, labels: [0, 1, 2, 3])
        for entry in statistics { #expect(Array(model.parameterValues[entry.range]) == Array(before[entry.range])) }
        model.batchNormStatisticsFrozen = false
        _ = model.lossAndGradients(inputs: inputs, labels: [0, 1, 2, 3])
        #expect(statistics.allSatisfy { Array(model.parameterValues[$0.range]) != Array(before[$0.range]) })
    }

    @Test func dropout() throws { try Self.check([.dropout(rate: 0.4)]) }
    @Test func softmaxInside() throws {
        try Self.check([.flatten, .dense(units: 6), .softmax], flatten: false, tail: [.dense(units: 3), .softmax])
    }
    @Test func logitsWithoutFinalSoftmax() throws { try Self.check([.relu], tail: [.dense(units: 5)]) }
}
