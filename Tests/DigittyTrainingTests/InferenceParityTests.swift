@testable import DigittyTraining
import Testing
@testable import DigittyEngine

/// Each trainable layer, run in inference mode, gives bit for bit what the engine's layer gives on the same
/// input with the same weights: a trained model answers in the trainer (validation, tuning) exactly as it will
/// once saved. Every kind is tested on odd shapes (channels and features not a multiple of the vector width).
@Suite struct InferenceParityTests {
    /// Runs `spec` (followed by what makes a classifier of it) in a `TrainableModel` at inference, and the same
    /// layer built by the engine from the same tensors; returns the two outputs of the layer under test.
    static func outputs(of spec: LayerSpec, sample: [Int], batch: Int = 3,
                        seed: UInt64 = 11) throws -> (trainer: [Float], engine: [Float]) {
        let tail: [LayerSpec] = sample.count == 1 ? [.dense(units: 3)] : [.flatten, .dense(units: 3)]
        let input = InputSpec(height: 1, width: 1, sampleShape: sample)
        let model = try TrainableModel(name: "parity", input: input, specs: [spec] + tail, maxBatch: batch, seed: seed)
        var generator = SeededRandom(seed: seed + 1)
        var values = model.parameterValues
        for entry in model.layout {
            for index in entry.range {
                // Running variances must be positive; every other tensor gets signs of both kinds.
                values[index] = entry.name.hasSuffix(".variance") ? 0.2 + generator.nextUnit()
                                                                   : generator.nextUnit() * 2 - 1
            }
        }
        model.parameterValues = values
        let inputs = (0..<batch * model.sampleSize).map { _ in generator.nextUnit() * 2 - 1 }
        model.infer(batch: batch, fill: { target in
            inputs.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: inputs.count) }
        }, { _ in })
        let layer = model.layers[0]
        let trainer = Array(UnsafeBufferPointer(start: model.activations[1].base, count: batch * layer.outputSize))
        let weights = model.layout.filter { $0.name.hasPrefix("layers.0.") }
        let engineLayer = try spec.makeLayer { name throws(ModelError) in
            guard let entry = weights.first(where: { $0.name == "layers.0.\(name)" }) else { throw .missingWeight(name) }
            return Tensor(shape: entry.shape, scalars: Array(values[entry.range]))
        }
        let engine = engineLayer.forward(Tensor(shape: [batch] + sample, scalars: inputs))
        return (trainer, engine.scalars)
    }

    static let kinds: [(LayerSpec, [Int])] = [
        (.conv2D(filters: 5, kernelSize: 3), [7, 6, 3]),
        (.conv2D(filters: 20, kernelSize: 3), [9, 8, 9]),  // Winograd in the engine (≥ 8 channels)
        (.conv2D(filters: 4, kernelSize: 3, padding: .same), [5, 5, 2]),
        (.conv2D(filters: 3, kernelSize: 2, stride: 2, padding: .same), [7, 7, 1]),
        (.dense(units: 19), [37]),
        (.maxPool2D(size: 2), [6, 7, 3]),
        (.maxPool2D(size: 3, stride: 2, padding: .same), [7, 7, 8]),
        (.averagePool2D(size: 2), [6, 6, 5]),
        (.averagePool2D(size: 3, stride: 2, padding: .same), [7, 5, 2]),
        (.globalAveragePool, [4, 5, 6]),
        (.relu, [4, 4, 3]),
        (.leakyReLU(alpha: 0.2), [4, 4, 3]),
        (.softmax, [11]),
        (.flatten, [3, 4, 2]),
        (.dropout(rate: 0.4), [5, 3, 2]),
        (.batchNorm(epsilon: 1e-3), [3, 4, 6]),
        (.batchNorm(epsilon: 1e-3), [13]),
    ]

    @Test(arguments: kinds.indices)
    func inferenceForwardIsTheEngines(_ index: Int) throws {
        let (spec, sample) = Self.kinds[index]
        let (trainer, engine) = try Self.outputs(of: spec, sample: sample)
        #expect(trainer.count == engine.count)
        let differing = zip(trainer, engine).filter { $0.bitPattern != $1.bitPattern }
        #expect(differing.isEmpty, "\(spec.summary) on \(sample): \(differing.count) of \(trainer.count) differ, e.g. \(differing.prefix(3))")
        // Not vacuous: the outputs vary.
        #expect(Set(engine).count > engine.count / 3)
    }
}
