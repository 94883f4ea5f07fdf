import Testing
@testable import DigittyEngine

@Suite struct Conv2DTests {
    struct Case: Sendable, CustomStringConvertible {
        let size, channels, filters, kernel, stride: Int
        let padding: Padding
        var description: String { "\(size)px c\(channels) f\(filters) k\(kernel) s\(stride) \(padding)" }
    }

    @Test(arguments: [
        Case(size: 28, channels: 1, filters: 32, kernel: 3, stride: 1, padding: .valid),
        Case(size: 11, channels: 32, filters: 64, kernel: 3, stride: 1, padding: .valid),
        Case(size: 9, channels: 3, filters: 5, kernel: 3, stride: 2, padding: .same),
        Case(size: 8, channels: 2, filters: 20, kernel: 5, stride: 1, padding: .same),
        Case(size: 7, channels: 4, filters: 9, kernel: 2, stride: 2, padding: .valid),
        Case(size: 6, channels: 1, filters: 1, kernel: 1, stride: 1, padding: .valid),
    ])
    func matchesNaiveConvolution(_ c: Case) throws {
        var random = TestRandom(seed: UInt64(c.size * 31 + c.filters))
        let input = random.tensor([3, c.size, c.size, c.channels], zeroFraction: 0.5)
        let weight = random.tensor([c.kernel, c.kernel, c.channels, c.filters])
        let bias = random.tensor([c.filters])
        let layer = try Conv2D(weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        let output = layer.forward(input)
        let expected = Reference.convolve(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        #expect(output.shape == expected.shape)
        #expect(try layer.outputShape(for: Array(input.shape.dropFirst())) == Array(expected.shape.dropFirst()))
        #expect(maxDifference(output.scalars, expected.scalars) < 1e-4)
    }

    /// The fused convolution + ReLU + 2×2 max pooling, for the first layer's shape (one channel, 3×3, which has
    /// a kernel of its own) and for others, against the naive convolution, ReLU and pooling one after another.
    @Test(arguments: [
        Case(size: 28, channels: 1, filters: 32, kernel: 3, stride: 1, padding: .valid),
        Case(size: 9, channels: 1, filters: 20, kernel: 3, stride: 1, padding: .valid),
        Case(size: 13, channels: 3, filters: 16, kernel: 3, stride: 1, padding: .valid),
        Case(size: 12, channels: 1, filters: 16, kernel: 5, stride: 1, padding: .valid),
        Case(size: 11, channels: 1, filters: 16, kernel: 3, stride: 2, padding: .valid),
    ])
    func fusedReLUMaxPoolMatchesNaiveSteps(_ c: Case) throws {
        var random = TestRandom(seed: UInt64(c.size * 17 + c.channels))
        let input = random.tensor([2, c.size, c.size, c.channels], zeroFraction: 0.5)
        let weight = random.tensor([c.kernel, c.kernel, c.channels, c.filters]), bias = random.tensor([c.filters])
        let layer = try Conv2D(weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        var convolved = Reference.convolve(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        convolved = Tensor(shape: convolved.shape, scalars: convolved.scalars.map { max(0, $0) })
        let expected = Reference.pool(convolved, size: 2, stride: 2, max: true)
        let output = layer.forward(input, then: .reluMaxPool2x2)
        #expect(output.shape == expected.shape)
        #expect(maxDifference(output.scalars, expected.scalars) < 1e-4)
    }

    @Test func worksOnLargeBatchesSplitAcrossCores() throws {
        var random = TestRandom(seed: 3)
        let input = random.tensor([64, 12, 12, 2], zeroFraction: 0.3)
        let weight = random.tensor([3, 3, 2, 16]), bias = random.tensor([16])
        let layer = try Conv2D(weight: weight, bias: bias)
        let expected = Reference.convolve(input, weight: weight, bias: bias, stride: 1, padding: .valid)
        #expect(maxDifference(layer.forward(input).scalars, expected.scalars) < 1e-4)
    }

    @Test func rejectsWeightsAndInputsThatDoNotFit() {
        #expect(throws: ModelError.self) { try Conv2D(weight: Tensor(shape: [3, 2, 1, 4]), bias: Tensor(shape: [4])) }
        #expect(throws: ModelError.self) { try Conv2D(weight: Tensor(shape: [3, 3, 1, 4]), bias: Tensor(shape: [5])) }
        #expect(throws: ModelError.self) { try Conv2D(weight: Tensor(shape: [3, 3, 1, 4]), bias: Tensor(shape: [4]), stride: 0) }
        let layer = try! Conv2D(weight: Tensor(shape: [3, 3, 1, 4]), bias: Tensor(shape: [4]))
        #expect(throws: ModelError.self) { try layer.outputShape(for: [28, 28, 2]) }
        #expect(throws: ModelError.self) { try layer.outputShape(for: [2, 2, 1]) }
        #expect(throws: ModelError.self) { try layer.outputShape(for: [784]) }
    }
}
