import Testing
@testable import DigittyEngine
import CDigittyKernels

@Suite struct MatrixMultiplyTests {
    /// Sizes that cover the four-row blocks, leftover rows, 16-wide column blocks and leftover columns, and
    /// empty products, on every instruction set this machine runs.
    @Test(arguments: [(1, 5, 10), (3, 7, 16), (4, 9, 33), (9, 64, 128), (13, 100, 37), (64, 300, 128), (4, 0, 20),
                      (5, 3000, 70)])
    func matchesReference(m: Int, k: Int, n: Int) {
        var random = TestRandom(seed: UInt64(m * 1000 + k * 10 + n))
        let a = random.tensor([m, k], zeroFraction: 0.4).scalars
        let b = random.tensor([k, n]).scalars
        let bias = random.tensor([n]).scalars
        for useBias in [false, true] {
            var c = [Float](repeating: .nan, count: m * n)
            c.withUnsafeMutableBufferPointer { out in
                MatrixMultiply.parallelMultiply(a, b, into: out.baseAddress!, m: m, k: k, n: n, bias: useBias ? bias : nil)
            }
            let expected = Reference.matrixProduct(a, b, m: m, k: k, n: n, bias: useBias ? bias : nil)
            #expect(maxDifference(c, expected) < 1e-4 * Float(k + 1).squareRoot())
            for set in InstructionSet.supported {
                c.withUnsafeMutableBufferPointer { out in
                    MatrixMultiply.multiply(a, b, into: out.baseAddress!, m: m, k: k, n: n, bias: useBias ? bias : nil,
                                            on: set)
                }
                #expect(maxDifference(c, expected) < 1e-4 * Float(k + 1).squareRoot(), "set \(set.rawValue)")
            }
        }
    }

    /// Rows shaped like a pooled ReLU activation (long runs of zeros, a few non-zero entries here and there),
    /// an all-zero row and a row without zeros, whose lengths are not multiples of the eight entries tested at once.
    @Test(arguments: [5408, 1003, 7])
    func sparseRowsMatchReference(k: Int) {
        var random = TestRandom(seed: UInt64(k))
        let n = 128
        var a = random.tensor([3, k]).scalars
        for index in 0..<k where index % 32 > 2 && index % 97 != 5 { a[index] = 0 }  // row 0: mostly zero
        for index in k..<2 * k { a[index] = 0 }  // row 1: all zero
        let b = random.tensor([k, n]).scalars, bias = random.tensor([n]).scalars
        var c = [Float](repeating: .nan, count: 3 * n)
        c.withUnsafeMutableBufferPointer { MatrixMultiply.multiply(a, b, into: $0.baseAddress!, m: 3, k: k, n: n, bias: bias) }
        // Rounding grows with the length of the sums (the reference adds in another order).
        #expect(maxDifference(c, Reference.matrixProduct(a, b, m: 3, k: k, n: n, bias: bias)) < 1e-4 * Float(k).squareRoot())
        #expect(Array(c[n..<2 * n]) == bias)
    }

    @Test func splitsLargeProductsAcrossCoresWithTheSameResult() {
        var random = TestRandom(seed: 7)
        let (m, k, n) = (257, 600, 48)
        let a = random.tensor([m, k]).scalars, b = random.tensor([k, n]).scalars
        var serial = [Float](repeating: 0, count: m * n), parallel = serial
        serial.withUnsafeMutableBufferPointer { MatrixMultiply.multiply(a, b, into: $0.baseAddress!, m: m, k: k, n: n) }
        parallel.withUnsafeMutableBufferPointer { MatrixMultiply.parallelMultiply(a, b, into: $0.baseAddress!, m: m, k: k, n: n) }
        #expect(serial == parallel)
    }
}
