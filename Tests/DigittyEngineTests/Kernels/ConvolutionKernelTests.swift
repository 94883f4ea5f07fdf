import CDigittyKernels
import Testing
@testable import DigittyEngine

/// `dk_conv2d` and (for 3×3 kernels with stride 1) `dk_winograd_conv2d` on every instruction set this machine runs,
/// against the naive convolution (then ReLU, then 2×2 max pooling) of the tests' Reference, on edge shapes: 1×1 images and kernels, one channel or filter, channel and
/// filter counts that are not multiples of the 16-float vectors, `same` padding, strides, odd outputs under pooling,
/// and every Winograd tile size.
@Suite struct ConvolutionKernelTests {
    struct Case: Sendable, CustomStringConvertible {
        let size, channels, filters, kernel, stride: Int
        let padding: Padding
        var description: String { "\(size)px c\(channels) f\(filters) k\(kernel) s\(stride) \(padding)" }
    }

    static let cases = [
        Case(size: 1, channels: 1, filters: 1, kernel: 1, stride: 1, padding: .valid),
        Case(size: 1, channels: 3, filters: 17, kernel: 3, stride: 1, padding: .same),
        Case(size: 3, channels: 1, filters: 16, kernel: 3, stride: 1, padding: .valid),
        Case(size: 5, channels: 64, filters: 128, kernel: 3, stride: 1, padding: .valid),
        Case(size: 13, channels: 32, filters: 64, kernel: 3, stride: 1, padding: .valid),
        Case(size: 28, channels: 1, filters: 32, kernel: 3, stride: 1, padding: .valid),
        Case(size: 7, channels: 5, filters: 33, kernel: 3, stride: 2, padding: .same),
        Case(size: 6, channels: 17, filters: 40, kernel: 3, stride: 1, padding: .same),
        Case(size: 9, channels: 2, filters: 7, kernel: 5, stride: 1, padding: .same),
        Case(size: 8, channels: 1, filters: 48, kernel: 2, stride: 2, padding: .valid),
        Case(size: 10, channels: 8, filters: 16, kernel: 3, stride: 1, padding: .valid),
        Case(size: 4, channels: 40, filters: 3, kernel: 3, stride: 1, padding: .valid),
        Case(size: 6, channels: 9, filters: 20, kernel: 3, stride: 1, padding: .valid),
        Case(size: 7, channels: 24, filters: 31, kernel: 3, stride: 1, padding: .valid),
        Case(size: 12, channels: 16, filters: 16, kernel: 3, stride: 1, padding: .same),
    ]

    @Test func theCasesTakeEveryWinogradTileSize() throws {
        var tiles = Set<Int>()
        for c in Self.cases where c.kernel == 3 && c.stride == 1 {
            let shape = Conv2D.geometry(height: c.size, width: c.size, channels: c.channels, filters: c.filters,
                                        kernelSize: 3, stride: 1, padding: c.padding)
            for epilogue in [Conv2D.Epilogue.none, .reluMaxPool2x2] {
                tiles.insert(Conv2D.winogradTile(shape, then: epilogue))
            }
        }
        #expect(tiles == [2, 3, 4, 5])
    }

    /// The tile sizes the default model's convolutions take: one 5×5 tile per quarter of conv2's pooled 10×10
    /// outputs, and one 3×3 tile for conv3's nine outputs.
    @Test func eachLayerTakesTheTileThatCoversItWithFewestProducts() {
        let conv2 = Conv2D.geometry(height: 13, width: 13, channels: 32, filters: 64, kernelSize: 3, stride: 1,
                                    padding: .valid)
        let conv3 = Conv2D.geometry(height: 5, width: 5, channels: 64, filters: 128, kernelSize: 3, stride: 1,
                                    padding: .valid)
        #expect(Conv2D.winogradTile(conv2, then: .reluMaxPool2x2) == 5)
        #expect(Conv2D.winogradTile(conv2, then: .relu) == 4)  // 11×11: 3×3 tiles of 4 (324 products) beat 5's 441
        #expect(Conv2D.winogradTile(conv3, then: .relu) == 3)
    }

    @Test(arguments: cases) func everyEpilogueMatchesNaiveSteps(_ c: Case) throws {
        var random = TestRandom(seed: UInt64(c.size * 131 + c.channels * 7 + c.filters))
        let input = random.tensor([2, c.size, c.size, c.channels], zeroFraction: 0.4)
        let weight = random.tensor([c.kernel, c.kernel, c.channels, c.filters]), bias = random.tensor([c.filters])
        let layer = try Conv2D(weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        let convolved = Reference.convolve(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding)
        let rectified = Tensor(shape: convolved.shape, scalars: convolved.scalars.map { max(0, $0) })
        let outSize = convolved.shape[1]
        let algorithms: [Conv2D.Algorithm] = c.kernel == 3 && c.stride == 1 ? [.direct, .winograd] : [.direct]
        // Winograd's transforms round differently: allow for sums of up to 9·channels terms.
        let tolerance = 1e-5 * Float(9 * c.channels).squareRoot() + 1e-5
        for set in InstructionSet.supported {
            for algorithm in algorithms {
                let label = "set \(set.rawValue) \(algorithm)"
                let plain = layer.forward(input, then: .none, on: set, algorithm: algorithm)
                #expect(plain.shape == convolved.shape)
                #expect(maxDifference(plain.scalars, convolved.scalars) < tolerance, "\(label)")
                let relu = layer.forward(input, then: .relu, on: set, algorithm: algorithm)
                #expect(maxDifference(relu.scalars, rectified.scalars) < tolerance, "\(label)")
                let pooled = layer.forward(input, then: .reluMaxPool2x2, on: set, algorithm: algorithm)
                if outSize >= 2 {
                    let expected = Reference.pool(rectified, size: 2, stride: 2, max: true)
                    #expect(pooled.shape == expected.shape)
                    #expect(maxDifference(pooled.scalars, expected.scalars) < tolerance, "\(label)")
                } else {
                    #expect(pooled.shape == [2, 0, 0, c.filters])
                }
            }
        }
    }

    @Test func anEmptyBatchGivesAnEmptyOutput() throws {
        let layer = try Conv2D(weight: Tensor(shape: [3, 3, 2, 20]), bias: Tensor(shape: [20]))
        #expect(layer.forward(Tensor(shape: [0, 8, 8, 2])).shape == [0, 6, 6, 20])
    }

    @Test func thePortableSetRunsEverywhere() {
        #expect(InstructionSet.supported.first == DK_PORTABLE)
        #expect(InstructionSet.supported.contains(InstructionSet.best))
    }
}
