import Testing
@testable import DigittyEngine

@Suite struct TensorTests {
    @Test func elementCountChecksOverflowAndLimits() {
        #expect(Tensor.checkedElementCount([2, 3, 4]) == 24)
        #expect(Tensor.checkedElementCount([Int.max, 2]) == nil)
        #expect(Tensor.checkedElementCount([100_000, 100_000], limit: 1 << 20) == nil)
        #expect(Tensor.checkedElementCount([-1]) == nil)
    }
}
