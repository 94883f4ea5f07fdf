@testable import DigittyTraining
import Foundation
import Testing
@testable import DigittyEngine

/// Adam and SGD against steps worked out by hand (in Double) from Keras' update rules.
@Suite struct OptimizerTests {
    static func run(_ kind: OptimizerKind, gradients: [[Float]], start: [Float], rate: Double) -> [Float] {
        let parameters = FloatBuffer.allocate(start.count), buffer = FloatBuffer.allocate(start.count)
        defer { parameters.deallocate(); buffer.deallocate() }
        parameters.copy(from: start)
        var optimizer = Optimizer(kind: kind, count: start.count)
        defer { optimizer.deallocate() }
        for gradient in gradients {
            buffer.copy(from: gradient)
            optimizer.step(parameters: parameters, gradients: buffer, trainable: [0..<start.count], rate: rate)
        }
        return parameters.array
    }

    @Test func adamMatchesHandComputedSteps() {
        // 11 parameters so that both the 8-wide and the scalar paths run.
        let start = (0..<11).map { Float($0) * 0.1 - 0.5 }
        let g1 = (0..<11).map { Float($0 % 3) - 1 }, g2 = (0..<11).map { Float($0) * 0.05 }
        let result = Self.run(.adam(), gradients: [g1, g2], start: start, rate: 0.01)
        for index in 0..<11 {
            var (w, m, v) = (Double(start[index]), 0.0, 0.0)
            for (t, g) in [Double(g1[index]), Double(g2[index])].enumerated() {
                m = 0.9 * m + 0.1 * g
                v = 0.999 * v + 0.001 * g * g
                let step = Double(t + 1)
                let alpha = 0.01 * (1 - pow(0.999, step)).squareRoot() / (1 - pow(0.9, step))
                w -= alpha * m / (v.squareRoot() + 1e-7)
            }
            #expect(abs(Double(result[index]) - w) < 1e-6, "parameter \(index): \(result[index]) vs \(w)")
        }
        // The first Adam step moves every parameter with a non-zero gradient by about the learning rate.
        let once = Self.run(.adam(), gradients: [[1, -2, 0]], start: [0, 0, 0], rate: 0.01)
        #expect(abs(once[0] + 0.01) < 1e-6 && abs(once[1] - 0.01) < 1e-6 && once[2] == 0)
    }

    @Test func sgdWithMomentumMatchesHandComputedSteps() {
        let result = Self.run(.sgd(momentum: 0.9), gradients: [[1, -1], [0.5, 2], [0, 0]], start: [1, 2], rate: 0.1)
        // v1 = −0.1·g1; v2 = 0.9·v1 − 0.1·g2; v3 = 0.9·v2.
        let expected0 = 1 + (-0.1) + (0.9 * -0.1 - 0.05) + 0.9 * (0.9 * -0.1 - 0.05)
        let expected1 = 2 + 0.1 + (0.9 * 0.1 - 0.2) + 0.9 * (0.9 * 0.1 - 0.2)
        #expect(abs(Double(result[0]) - expected0) < 1e-6)
        #expect(abs(Double(result[1]) - expected1) < 1e-6)
    }

    /// A training step updates the Dense weights inside their backward pass; after a few steps every
    /// parameter and moment is bit for bit what a full backward pass followed by one update gives.
    @Test(arguments: [OptimizerKind.adam(), .sgd(momentum: 0.9)])
    func updatesInsideTheDenseBackwardPassMatchOneUpdateAfterIt(kind: OptimizerKind) throws {
        let input = InputSpec(height: 12, width: 12, sampleShape: [12, 12, 1])
        let specs: [LayerSpec] = [.conv2D(filters: 8, kernelSize: 3), .relu, .maxPool2D(), .flatten,
                                  .dense(units: 21), .relu, .dropout(rate: 0.1), .dense(units: 10), .softmax]
        let fused = try TrainableModel(name: "fused", input: input, specs: specs, maxBatch: 6, optimizer: kind, seed: 5)
        let reference = try TrainableModel(name: "reference", input: input, specs: specs, maxBatch: 6, optimizer: kind,
                                           seed: 5)
        var generator = SeededRandom(seed: 9)
        for _ in 0..<3 {
            let inputs = (0..<6 * 144).map { _ in max(0, generator.nextUnit() * 2 - 1) }
            let labels = (0..<6).map { _ in Int(generator.next() % 10) }
            _ = fused.trainStep(batch: 6, labels: labels, learningRate: 0.01) { target in
                inputs.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: inputs.count) }
            }
            _ = reference.lossAndGradients(inputs: inputs, labels: labels, step: reference.steps)
            reference.optimizer.step(parameters: reference.parameters, gradients: reference.gradients,
                                     trainable: reference.trainableRanges, rate: 0.01)
        }
        #expect(fused.parameterValues == reference.parameterValues)
        #expect(fused.optimizerState.values == reference.optimizerState.values)
        #expect(fused.parameterValues != (try TrainableModel(name: "start", input: input, specs: specs, maxBatch: 6,
                                                             optimizer: kind, seed: 5)).parameterValues)
    }

    @Test func onlyTrainableRangesMove() {
        let parameters = FloatBuffer.allocate(4), gradients = FloatBuffer.allocate(4)
        defer { parameters.deallocate(); gradients.deallocate() }
        gradients.copy(from: [1, 1, 1, 1])
        var optimizer = Optimizer(kind: .adam(), count: 4)
        defer { optimizer.deallocate() }
        optimizer.step(parameters: parameters, gradients: gradients, trainable: [1..<3], rate: 0.1)
        #expect(parameters.array[0] == 0 && parameters.array[3] == 0)
        #expect(parameters.array[1] < 0 && parameters.array[2] < 0)
    }
}
