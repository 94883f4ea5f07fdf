import Testing
@testable import DigittyEngine

@Suite struct ActivationTests {
    @Test func reluAndLeakyReLU() {
        let input = Tensor(shape: [1, 4], scalars: [-2, -0.5, 0, 3])
        #expect(ReLU().forward(input).scalars == [0, 0, 0, 3])
        #expect(LeakyReLU(alpha: 0.1).forward(input).scalars == [-0.2, -0.05, 0, 3])
    }

    @Test func softmaxMatchesNumpy() {
        // numpy: e = exp(x - x.max(1)); e / e.sum(1)
        let output = Softmax().forward(Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 1000]))
        let expected: [Float] = [0.09003057330846786, 0.2447284609079361, 0.6652409434318542, 0, 0, 1]
        #expect(maxDifference(output.scalars, expected) < 1e-6)
    }

    @Test func batchNormMatchesNumpy() throws {
        // numpy: gamma * (x - mean) / sqrt(var + 1e-3) + beta
        let layer = try BatchNorm(gamma: Tensor(shape: [2], scalars: [2, 0.5]), beta: Tensor(shape: [2], scalars: [0.1, -0.2]),
                                  mean: Tensor(shape: [2], scalars: [1, -1]), variance: Tensor(shape: [2], scalars: [4, 0.25]))
        let output = layer.forward(Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 3]))
        let expected: [Float] = [-0.3999375117163091, -0.2, 1.0998750234326182, 3.792023920278996]
        #expect(maxDifference(output.scalars, expected) < 1e-5)
        #expect(throws: ModelError.self) {
            try BatchNorm(gamma: Tensor(shape: [2]), beta: Tensor(shape: [3]), mean: Tensor(shape: [2]), variance: Tensor(shape: [2]))
        }
    }

    @Test func flattenKeepsNHWCOrderAndDropoutIsIdentity() throws {
        let input = Tensor(shape: [2, 1, 2, 3], scalars: (0..<12).map(Float.init))
        let flat = Flatten().forward(input)
        #expect(flat.shape == [2, 6])
        #expect(flat.scalars == input.scalars)
        #expect(try Dropout(rate: 0.5).forward(input) == input)
        #expect(throws: ModelError.self) { try Dropout(rate: 1) }
    }
}
