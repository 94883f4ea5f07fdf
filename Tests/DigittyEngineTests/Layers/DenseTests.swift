import Testing
@testable import DigittyEngine

@Suite struct DenseTests {
    @Test(arguments: [1, 3, 4, 7, 32])
    func matchesNaiveProduct(batch: Int) throws {
        var random = TestRandom(seed: UInt64(batch))
        let input = random.tensor([batch, 50], zeroFraction: 0.5)
        let weight = random.tensor([50, 37]), bias = random.tensor([37])
        let output = try Dense(weight: weight, bias: bias).forward(input)
        #expect(output.shape == [batch, 37])
        let expected = Reference.matrixProduct(input.scalars, weight.scalars, m: batch, k: 50, n: 37, bias: bias.scalars)
        #expect(maxDifference(output.scalars, expected) < 1e-4)
    }

    @Test func handComputedExample() throws {
        // [1, 2] · [[1, 0, -1], [2, 1, 0]] + [0.5, 0, 0] = [5.5, 2, -1]
        let layer = try Dense(weight: Tensor(shape: [2, 3], scalars: [1, 0, -1, 2, 1, 0]),
                              bias: Tensor(shape: [3], scalars: [0.5, 0, 0]))
        #expect(layer.forward(Tensor(shape: [1, 2], scalars: [1, 2])).scalars == [5.5, 2, -1])
        #expect(throws: ModelError.self) { try layer.outputShape(for: [3]) }
    }
}
