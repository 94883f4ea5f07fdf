import Foundation
@testable import DigittyEngine

/// Models built in code for tests: the original "simple" architecture at a small width, random weights.
enum SmallModels {
    static func simple(seed: UInt64 = 1, filters: Int = 4, hidden: Int = 16) throws -> SequentialModel {
        var random = TestRandom(seed: seed)
        func scaled(_ shape: [Int], _ scale: Float) -> Tensor {
            var t = random.tensor(shape)
            for i in t.scalars.indices { t.scalars[i] *= scale }
            return t
        }
        return try SequentialModel(name: "small", layers: [
            try Conv2D(weight: scaled([3, 3, 1, filters], 0.5), bias: scaled([filters], 0.1)),
            ReLU(),
            try MaxPool2D(size: 2),
            Flatten(),
            try Dense(weight: scaled([13 * 13 * filters, hidden], 0.05), bias: scaled([hidden], 0.1)),
            ReLU(),
            try Dropout(rate: 0.1),
            try Dense(weight: scaled([hidden, 10], 0.3), bias: scaled([10], 0.1)),
            Softmax(),
        ], provenance: ModelProvenance(trainedWith: "tests", testAccuracy: 0.5))
    }

}
