import Testing
@testable import DigittyEngine
import CDigittyKernels

/// The training kernels against a naive triple loop in Double, on shapes that exercise every panel width,
/// the blocked path (and its depth taken in pieces), tails, strides and zero skipping, on every instruction set this
/// machine runs. Tolerance: 1e-4 relative to the sum of |terms|.
@Suite struct StridedMatrixMultiplyTests {
    /// Deterministic values in −1…1 with about a third zeros (at least one, so that empty matrices have an address).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededRandom(seed: seed)
        return (0..<max(1, count)).map { _ in
            let value = generator.nextUnit() * 2 - 1
            return abs(value) < 0.33 ? 0 : value
        }
    }

    static func expectClose(_ actual: [Float], _ expected: [Double], _ scale: [Double]) {
        for index in expected.indices {
            #expect(abs(Double(actual[index]) - expected[index]) <= 1e-4 * (scale[index] + 1),
                    "element \(index): \(actual[index]) vs \(expected[index])")
        }
    }

    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (3, 5, 7), (5, 16, 9), (7, 33, 20), (9, 64, 11),
                                                      (6, 100, 3), (10, 130, 600), (4, 32, 513), (3, 17, 700),
                                                      (15, 40, 300), (5, 20, 2100), (2, 70, 2300), (0, 4, 3), (2, 3, 0)]

    @Test(arguments: 0..<shapes.count) func plainProductMatchesReference(_ shapeIndex: Int) {
        for set in InstructionSet.supported {
            let (m, n, k) = Self.shapes[shapeIndex]
            let (lda, ldb, ldc) = (k + 2, n + 3, n + 1)
            let a = Self.values(m * lda, seed: 1), b = Self.values(k * ldb, seed: 2), bias = Self.values(n, seed: 3)
            for mode in 0..<3 {
                var c = Self.values(m * ldc, seed: 4)
                let start = c
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in bias.withUnsafeBufferPointer { bias in
                    c.withUnsafeMutableBufferPointer { c in
                        StridedMatrixMultiply.multiply(m: m, n: n, k: k, a.baseAddress!, lda: lda, b.baseAddress!, ldb: ldb,
                                                       into: c.baseAddress!, ldc: ldc, accumulate: mode == 1,
                                                       bias: mode == 2 ? bias.baseAddress! : nil, on: set)
                    }
                } } }
                var expected: [Double] = [], scale: [Double] = [], actual: [Float] = []
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = mode == 1 ? Double(start[i * ldc + j]) : mode == 2 ? Double(bias[j]) : 0
                        var magnitude = abs(sum)
                        for p in 0..<k {
                            sum += Double(a[i * lda + p]) * Double(b[p * ldb + j])
                            magnitude += abs(Double(a[i * lda + p]) * Double(b[p * ldb + j]))
                        }
                        expected.append(sum); scale.append(magnitude); actual.append(c[i * ldc + j])
                    }
                }
                Self.expectClose(actual, expected, scale)
            }
        }
    }

    @Test(arguments: 0..<shapes.count) func transposedBMatchesReference(_ shapeIndex: Int) {
        for set in InstructionSet.supported {
            let (m, n, k) = Self.shapes[shapeIndex]
            let (lda, ldb, ldc) = (k + 1, k + 5, n + 2)
            let a = Self.values(m * lda, seed: 5), b = Self.values(n * ldb, seed: 6)
            var c = [Float](repeating: .nan, count: m * ldc)
            a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                StridedMatrixMultiply.multiplyTransposedB(m: m, n: n, k: k, a.baseAddress!, lda: lda, b.baseAddress!,
                                                          ldb: ldb, into: c.baseAddress!, ldc: ldc, on: set)
            } } }
            var expected: [Double] = [], scale: [Double] = [], actual: [Float] = []
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0, magnitude = 0.0
                    for p in 0..<k {
                        let term = Double(a[i * lda + p]) * Double(b[j * ldb + p])
                        sum += term; magnitude += abs(term)
                    }
                    expected.append(sum); scale.append(magnitude); actual.append(c[i * ldc + j])
                }
            }
            Self.expectClose(actual, expected, scale)
        }
    }

    @Test(arguments: 0..<shapes.count) func transposedAMatchesReference(_ shapeIndex: Int) {
        for set in InstructionSet.supported {
            // Here m is the summed dimension: use a long one to cross the 256-row blocks.
            let (k, n, m) = (Self.shapes[shapeIndex].m, Self.shapes[shapeIndex].n, Self.shapes[shapeIndex].k + 300)
            let (lda, ldb, ldc) = (k + 3, n + 1, n + 4)
            let a = Self.values(m * lda, seed: 7), b = Self.values(m * ldb, seed: 8)
            for accumulate in [false, true] {
                var c = Self.values(k * ldc, seed: 9)
                let start = c
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
                    StridedMatrixMultiply.multiplyTransposedA(m: m, n: n, k: k, a.baseAddress!, lda: lda, b.baseAddress!,
                                                              ldb: ldb, into: c.baseAddress!, ldc: ldc, accumulate: accumulate,
                                                              on: set)
                } } }
                var expected: [Double] = [], scale: [Double] = [], actual: [Float] = []
                for p in 0..<k {
                    for j in 0..<n {
                        var sum = accumulate ? Double(start[p * ldc + j]) : 0
                        var magnitude = abs(sum)
                        for i in 0..<m {
                            let term = Double(a[i * lda + p]) * Double(b[i * ldb + j])
                            sum += term; magnitude += abs(term)
                        }
                        expected.append(sum); scale.append(magnitude); actual.append(c[p * ldc + j])
                    }
                }
                Self.expectClose(actual, expected, scale)
            }
        }
    }
}
