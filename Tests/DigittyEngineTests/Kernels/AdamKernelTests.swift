import CDigittyKernels
import Testing
@testable import DigittyEngine

/// `dk_adam` on every instruction set against Keras's update written out in Swift (each product rounded before its
/// sum, as the kernel does): the same bits, including moments flushed to zero below the smallest normal float.
@Suite struct AdamKernelTests {
    @Test(arguments: [1, 16, 37]) func matchesTheUpdateBitForBit(count: Int) {
        var random = TestRandom(seed: UInt64(count))
        let gradient = (0..<count).map { $0 % 5 == 0 ? 0 : random.float() * 1e-2 }
        let startM = (0..<count).map { $0 % 7 == 0 ? Float.leastNormalMagnitude * 0.75 : random.float() * 1e-3 }
        let startV = (0..<count).map { $0 % 3 == 0 ? Float.leastNonzeroMagnitude : abs(random.float()) * 1e-4 }
        let startW = (0..<count).map { _ in random.float() }
        let (alpha, b1, b2, epsilon): (Float, Float, Float, Float) = (1e-3, 0.1, 0.001, 1e-7)
        func flush(_ x: Float) -> Float { abs(x) < .leastNormalMagnitude ? 0 : x }
        var expectedW = startW, expectedM = startM, expectedV = startV
        for index in 0..<count {
            let g = gradient[index]
            let product1 = (g - expectedM[index]) * b1
            expectedM[index] = flush(expectedM[index] + product1)
            let product2 = (g * g - expectedV[index]) * b2
            expectedV[index] = flush(expectedV[index] + product2)
            let step = alpha * expectedM[index]
            expectedW[index] -= step / (expectedV[index].squareRoot() + epsilon)
        }
        for set in InstructionSet.supported {
            var w = startW, m = startM, v = startV
            dk_adam(set, &w, gradient, &m, &v, count, alpha, b1, b2, epsilon)
            #expect(w == expectedW, "set \(set.rawValue)")
            #expect(m == expectedM, "set \(set.rawValue)")
            #expect(v == expectedV, "set \(set.rawValue)")
        }
    }
}
