import CDigittyKernels
import Dispatch

/// Row-major single-precision matrix products, the hot loop behind Dense (and ONNX's MatMul, Gemm and Conv).
///
/// Dense rows of `a` are processed four at a time so that each loaded row of `b` feeds four accumulators.
/// Sparse rows (a quarter or more zeros, as after ReLU and pooling) and rows left over are done one at a
/// time, skipping the zero entries, so they stream only the rows of `b` they need (`dk_gemm`).
package enum MatrixMultiply {
    /// `c[m×n] = a[m×k] · b[k×n] (+ bias[n] on every row)`, all row-major and densely packed.
    package static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, k: Int, n: Int, bias: UnsafePointer<Float>? = nil
    ) {
        multiply(a, b, into: c, m: m, k: k, n: n, bias: bias, on: InstructionSet.best)
    }

    static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, k: Int, n: Int, bias: UnsafePointer<Float>?, on set: dk_instruction_set
    ) {
        guard m > 0, n > 0 else { return }
        dk_gemm(set, a, b, c, m, k, n, bias)
    }

    /// The same product with the rows of `a` split across all cores.
    package static func parallelMultiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, k: Int, n: Int, bias: UnsafePointer<Float>? = nil
    ) {
        let chunks = Parallel.chunkCount(work: m * k * n, items: m, minimumItemsPerChunk: 4)
        if chunks <= 1 {
            multiply(a, b, into: c, m: m, k: k, n: n, bias: bias)
            return
        }
        // Pass the pointers as integers: they stay valid for the whole (synchronous) call.
        let (aAddress, bAddress, cAddress) = (Int(bitPattern: a), Int(bitPattern: b), Int(bitPattern: c))
        let biasAddress = bias.map { Int(bitPattern: $0) }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = Parallel.range(of: chunk, in: chunks, items: m, alignment: 4)
            guard !range.isEmpty else { return }
            let a = UnsafePointer<Float>(bitPattern: aAddress)!
            let b = UnsafePointer<Float>(bitPattern: bAddress)!
            let c = UnsafeMutablePointer<Float>(bitPattern: cAddress)!
            let bias = biasAddress.flatMap { UnsafePointer<Float>(bitPattern: $0) }
            multiply(a + range.lowerBound * k, b, into: c + range.lowerBound * n,
                     m: range.count, k: k, n: n, bias: bias)
        }
    }
}
