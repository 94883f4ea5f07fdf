import DigittyEngine
import DigittyTestSupport
import Foundation

/// Models built in code for the server tests: the original "simple" shape at a small width, seeded weights.
enum TestModels {
    static func simple(name: String, seed: UInt64, filters: Int = 4, hidden: Int = 16) throws -> SequentialModel {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func tensor(_ shape: [Int], _ scale: Float) -> Tensor {
            let count = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: count)
            for index in values.indices {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                values[index] = (Float(state >> 40) / Float(1 << 24) - 0.5) * 2 * scale
            }
            return Tensor(shape: shape, scalars: values)
        }
        return try SequentialModel(name: name, layers: [
            try Conv2D(weight: tensor([3, 3, 1, filters], 0.5), bias: tensor([filters], 0.1)),
            ReLU(),
            try MaxPool2D(size: 2),
            Flatten(),
            try Dense(weight: tensor([13 * 13 * filters, hidden], 0.05), bias: tensor([hidden], 0.1)),
            ReLU(),
            try Dense(weight: tensor([hidden, 10], 0.3), bias: tensor([10], 0.1)),
            Softmax(),
        ], provenance: ModelProvenance(trainedWith: "server tests", testAccuracy: 0.5))
    }

    /// Two small models, "alpha" (the default) and "beta".
    static func pair() throws -> [any ImageClassifier] {
        [try simple(name: "alpha", seed: 1), try simple(name: "beta", seed: 2)]
    }

    /// Model "alpha" saved in a new temporary directory, for the tests that run the `digitty` binary.
    static func alphaFile() throws -> (directory: URL, file: URL) {
        let directory = Repository.temporaryDirectory("server")
        let file = directory.appendingPathComponent("alpha.safetensors")
        try ModelFile.save(try simple(name: "alpha", seed: 1), to: file)
        return (directory, file)
    }
}
