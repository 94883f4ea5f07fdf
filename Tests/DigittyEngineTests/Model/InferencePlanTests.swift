import Testing
@testable import DigittyEngine

/// The inference plan (BatchNorm folded into the Conv2D or Dense before it, then fused steps) against the layers
/// run one by one, as written: the conv3-bn shape at a small width.
@Suite struct InferencePlanTests {
    static func conv3bn(seed: UInt64) throws -> [any Layer] {
        var random = TestRandom(seed: seed)
        func scaled(_ shape: [Int], _ scale: Float) -> Tensor {
            var t = random.tensor(shape)
            for i in t.scalars.indices { t.scalars[i] *= scale }
            return t
        }
        func norm(_ channels: Int) throws -> BatchNorm {
            var variance = random.tensor([channels])
            for i in variance.scalars.indices { variance.scalars[i] = 0.5 + abs(variance.scalars[i]) }
            return try BatchNorm(gamma: scaled([channels], 1), beta: scaled([channels], 0.2),
                                 mean: scaled([channels], 0.3), variance: variance)
        }
        return [
            try Conv2D(weight: scaled([3, 3, 1, 8], 0.5), bias: scaled([8], 0.1)), try norm(8), ReLU(),
            try MaxPool2D(size: 2),
            try Conv2D(weight: scaled([3, 3, 8, 16], 0.3), bias: scaled([16], 0.1)), try norm(16), ReLU(),
            try MaxPool2D(size: 2),
            try Conv2D(weight: scaled([3, 3, 16, 20], 0.2), bias: scaled([20], 0.1)), try norm(20), ReLU(),
            Flatten(),
            try Dense(weight: scaled([3 * 3 * 20, 24], 0.1), bias: scaled([24], 0.1)), try norm(24), ReLU(),
            try Dropout(rate: 0.4),
            try Dense(weight: scaled([24, 10], 0.3), bias: scaled([10], 0.1)), Softmax(),
        ]
    }

    @Test func foldedAndFusedStepsMatchTheLayersOneByOne() throws {
        let layers = try Self.conv3bn(seed: 5)
        let model = try SequentialModel(name: "conv3-bn", layers: layers)
        var random = TestRandom(seed: 9)
        let batch = random.tensor([20, 28, 28, 1], zeroFraction: 0.6)
        var expected = batch
        for layer in layers { expected = layer.forward(expected) }
        let output = try model.forward(batch)
        #expect(output.shape == [20, 10])
        #expect(maxDifference(output.scalars, expected.scalars) < 1e-5)
        // Folding happens in the plan only: the model keeps (and saves) the layers as given.
        #expect(model.layers.count == layers.count)
        #expect(!model.plan.steps.contains { if case .layer(let layer) = $0 { layer is BatchNorm } else { false } })
    }

    @Test func anEmptyBatchGivesNoRows() throws {
        let model = try SequentialModel(name: "conv3-bn", layers: try Self.conv3bn(seed: 6))
        #expect(try model.forward(Tensor(shape: [0, 28, 28, 1])).shape == [0, 10])
        #expect(try model.probabilities(for: Tensor(shape: [0, 28, 28, 1])).shape == [0, 10])
    }
}
