import Testing
@testable import DigittyEngine

@Suite struct PoolingTests {
    @Test func maxAndAverageMatchNaiveLoops() throws {
        var random = TestRandom(seed: 11)
        let input = random.tensor([2, 9, 9, 5])
        for (size, stride) in [(2, 2), (3, 2), (3, 1)] {
            let max = try MaxPool2D(size: size, stride: stride).forward(input)
            let average = try AveragePool2D(size: size, stride: stride).forward(input)
            #expect(maxDifference(max.scalars, Reference.pool(input, size: size, stride: stride, max: true).scalars) == 0)
            #expect(maxDifference(average.scalars, Reference.pool(input, size: size, stride: stride, max: false).scalars) < 1e-6)
        }
    }

    @Test func oddSizesDropTheLastRowWithValidAndPadWithSame() throws {
        // 3×3 single channel, values 1…9.
        let input = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        #expect(try MaxPool2D(size: 2).forward(input).scalars == [5])
        let same = try MaxPool2D(size: 2, padding: .same)
        #expect(try same.outputShape(for: [3, 3, 1]) == [2, 2, 1])
        #expect(same.forward(input).scalars == [5, 6, 8, 9])
        // Padded positions are not counted in the average: the corner window holds only 9.
        #expect(try AveragePool2D(size: 2, padding: .same).forward(input).scalars == [3, 4.5, 7.5, 9])
    }

    @Test func globalAverageOverEachChannel() {
        let input = Tensor(shape: [1, 2, 2, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 40])
        #expect(GlobalAveragePool().forward(input).scalars == [2.5, 25])
    }

    @Test func rejectsBadParameters() {
        #expect(throws: ModelError.self) { try MaxPool2D(size: 0) }
        #expect(throws: ModelError.self) { try AveragePool2D(size: 2, stride: 0) }
        #expect(throws: ModelError.self) { try MaxPool2D(size: 5).outputShape(for: [4, 4, 1]) }
    }
}
