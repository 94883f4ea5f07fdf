import Testing
@testable import DigittyEngine

@Suite struct SequentialModelTests {
    @Test func tracksShapesAndCountsParameters() throws {
        let model = try SmallModels.simple()
        #expect(model.shapes.first == [28, 28, 1])
        #expect(model.shapes[1] == [26, 26, 4])
        #expect(model.shapes.last == [10])
        #expect(model.parameterCount == (9 * 4 + 4) + (676 * 16 + 16) + (16 * 10 + 10))
    }

    @Test func probabilitiesSumToOneForEveryImage() throws {
        let model = try SmallModels.simple()
        var random = TestRandom(seed: 5)
        var images = random.tensor([5, 28, 28, 1], zeroFraction: 0.7)
        for i in images.scalars.indices { images.scalars[i] = abs(images.scalars[i]) }
        let probabilities = try model.probabilities(for: images)
        #expect(probabilities.shape == [5, 10])
        for row in 0..<5 {
            let sum = probabilities.scalars[row * 10..<row * 10 + 10].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
        // One image at a time gives the same answer as the batch.
        let single = try model.probabilities(forPixels: Array(images.scalars[784..<1568]))
        #expect(maxDifference(single, Array(probabilities.scalars[10..<20])) < 1e-6)
    }

    @Test func rejectsLayersThatDoNotChain() throws {
        #expect(throws: ModelError.self) {
            try SequentialModel(name: "bad", layers: [Flatten(), try MaxPool2D(size: 2)])
        }
        #expect(throws: ModelError.self) {
            try SequentialModel(name: "bad", layers: [try Dense(weight: Tensor(shape: [784, 10]), bias: Tensor(shape: [10]))])
        }
        let model = try SmallModels.simple()
        #expect(throws: ModelError.self) { try model.probabilities(for: Tensor(shape: [1, 27, 28, 1])) }
        #expect(throws: ModelError.self) { try model.probabilities(forPixels: [0, 1]) }
    }

    @Test func modelIsSafeToShareAcrossThreads() async throws {
        let model = try SmallModels.simple()
        var random = TestRandom(seed: 9)
        let pixels = random.tensor([784]).scalars.map(abs)
        let expected = try model.probabilities(forPixels: pixels)
        let results = try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<16 { group.addTask { try model.probabilities(forPixels: pixels) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
