import CDigittyKernels

/// Single-threaded row-major matrix products with leading dimensions and transposed operands: the kernels
/// behind training (forward `A·B`, input gradients `A·Bᵀ`, weight gradients `Aᵀ·B`), in `CDigittyKernels`.
///
/// Each output element is computed by one fixed sequence of fused multiply-adds, whatever part of the
/// matrix a caller hands to which thread, so results do not depend on how work is split across cores.
/// Zero entries of `A` are skipped where the kernel streams `A` element by element (inputs after ReLU and
/// MNIST's black background are mostly zero); skipping a zero product is exact for finite values.
package enum StridedMatrixMultiply {
    /// `c[m×n] = a[m×k] · b[k×n]` (`+= ` when `accumulate`; `+ bias[n]` on every row when `bias` is given).
    /// `lda`, `ldb`, `ldc` are the row strides (in elements) of each matrix.
    package static func multiply(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false, bias: UnsafePointer<Float>? = nil
    ) {
        multiply(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, accumulate: accumulate, bias: bias,
                 on: InstructionSet.best)
    }

    static func multiply(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?,
        on set: dk_instruction_set
    ) {
        guard m > 0, n > 0 else { return }
        dk_strided_gemm(set, m, n, k, a, lda, b, ldb, c, ldc, accumulate, bias)
    }

    /// `c[m×n] = a[m×k] · bᵀ` where `b` is `[n×k]`: every element is a dot product of two rows.
    package static func multiplyTransposedB(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        multiplyTransposedB(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, on: InstructionSet.best)
    }

    static func multiplyTransposedB(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, on set: dk_instruction_set
    ) {
        guard m > 0, n > 0 else { return }
        dk_strided_gemm_bt(set, m, n, k, a, lda, b, ldb, c, ldc)
    }

    /// `c[k×n] = aᵀ · b` where `a` is `[m×k]` and `b` is `[m×n]` (`+=` when `accumulate`): the sum over the
    /// `m` rows of outer products, as in a weight gradient.
    package static func multiplyTransposedA(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
    ) {
        multiplyTransposedA(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, accumulate: accumulate,
                            on: InstructionSet.best)
    }

    static func multiplyTransposedA(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, on set: dk_instruction_set
    ) {
        guard k > 0, n > 0 else { return }
        dk_strided_gemm_at(set, m, n, k, a, lda, b, ldb, c, ldc, accumulate)
    }
}
