import Dispatch

/// Row-major single-precision matrix products, the hot loop behind Dense and Conv2D.
package enum MatrixMultiply {
    /// `c[m×n] = a[m×k] · b[k×n] (+ bias[n] on every row)`, all row-major and densely packed.
    ///
    /// Dense rows of `a` are processed four at a time so that each loaded row of `b` feeds four accumulators.
    /// Sparse rows (a quarter or more zeros, as after ReLU and pooling) and rows left over are done one at a
    /// time, skipping the zero entries, so they stream only the rows of `b` they need.
    package static func multiply(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
        m: Int, k: Int, n: Int, bias: UnsafePointer<Float>? = nil
    ) {
        var row = 0
        while row + 4 <= m {
            var zeros = 0
            for index in 0..<4 * k where a[row * k + index] == 0 { zeros += 1 }
            if zeros * 4 >= 4 * k {
                for sparseRow in row..<row + 4 {
                    multiplySparseRow(a + sparseRow * k, b, c + sparseRow * n, k: k, n: n, bias: bias)
                }
            } else {
                multiplyFourRows(a + row * k, b, c + row * n, k: k, n: n, bias: bias)
            }
            row += 4
        }
        while row < m {
            multiplySparseRow(a + row * k, b, c + row * n, k: k, n: n, bias: bias)
            row += 1
        }
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

    @inline(__always)
    private static func initialRow(_ bias: UnsafePointer<Float>?, _ column: Int) -> SIMD16<Float> {
        guard let bias else { return SIMD16(repeating: 0) }
        return UnsafeRawPointer(bias + column).loadUnaligned(as: SIMD16<Float>.self)
    }

    private static func multiplyFourRows(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        k: Int, n: Int, bias: UnsafePointer<Float>?
    ) {
        let a0 = a, a1 = a + k, a2 = a + 2 * k, a3 = a + 3 * k
        var column = 0
        while column + 16 <= n {
            let start = initialRow(bias, column)
            var c0 = start, c1 = start, c2 = start, c3 = start
            var bRow = UnsafeRawPointer(b + column)
            for index in 0..<k {
                let bv = bRow.loadUnaligned(as: SIMD16<Float>.self)
                c0.addProduct(SIMD16(repeating: a0[index]), bv)
                c1.addProduct(SIMD16(repeating: a1[index]), bv)
                c2.addProduct(SIMD16(repeating: a2[index]), bv)
                c3.addProduct(SIMD16(repeating: a3[index]), bv)
                bRow += n * MemoryLayout<Float>.stride
            }
            UnsafeMutableRawPointer(c + column).storeBytes(of: c0, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(c + n + column).storeBytes(of: c1, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(c + 2 * n + column).storeBytes(of: c2, as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(c + 3 * n + column).storeBytes(of: c3, as: SIMD16<Float>.self)
            column += 16
        }
        while column < n {
            let start = bias?[column] ?? 0
            var s0 = start, s1 = start, s2 = start, s3 = start
            for index in 0..<k {
                let bv = b[index * n + column]
                s0 += a0[index] * bv
                s1 += a1[index] * bv
                s2 += a2[index] * bv
                s3 += a3[index] * bv
            }
            c[column] = s0
            c[n + column] = s1
            c[2 * n + column] = s2
            c[3 * n + column] = s3
            column += 1
        }
    }

    /// One row of `a` times `b`: the non-zero entries of the row are gathered first, then each block of
    /// output columns is accumulated in registers over just those rows of `b`.
    private static func multiplySparseRow(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        k: Int, n: Int, bias: UnsafePointer<Float>?
    ) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { nonZero in
            let count = nonZeroIndices(a, k, into: nonZero.baseAddress!)
            let rows = UnsafeBufferPointer(rebasing: nonZero[0..<count])
            var column = 0
            while column + 64 <= n {
                sparseBlock64(a, b, c, rows, n: n, column: column, bias: bias)
                column += 64
            }
            while column + 16 <= n {
                sparseBlock(SIMD16<Float>.self, a, b, c, rows, n: n, column: column, bias: bias)
                column += 16
            }
            while column < n {
                var sum = bias?[column] ?? 0
                for index in rows { sum += a[index] * b[index * n + column] }
                c[column] = sum
                column += 1
            }
        }
    }

    /// Writes the indices of the non-zero entries of `a[0..<k]` to `indices` (room for `k`), in order, and returns
    /// their count. Eight entries are tested at once and all-zero runs skipped; within a run, the index is stored
    /// whatever the entry and kept only if non-zero, because a branch on it is mispredicted too often.
    private static func nonZeroIndices(_ a: UnsafePointer<Float>, _ k: Int, into indices: UnsafeMutablePointer<Int>) -> Int {
        var count = 0, index = 0
        while index + 8 <= k {
            let chunk = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
            if any(chunk .!= 0) {
                for lane in index..<index + 8 {  // (reading `a`, not `chunk`'s lanes, compiles without branches)
                    indices[count] = lane
                    count &+= a[lane] != 0 ? 1 : 0
                }
            }
            index += 8
        }
        while index < k {
            indices[count] = index
            count &+= a[index] != 0 ? 1 : 0
            index += 1
        }
        return count
    }

    /// 64 columns as four explicit SIMD16 accumulators (a generic SIMD64 compiles to slow code).
    @inline(__always)
    private static func sparseBlock64(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ rows: UnsafeBufferPointer<Int>, n: Int, column: Int, bias: UnsafePointer<Float>?
    ) {
        func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
            UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
        }
        var (s0, s1, s2, s3) = (SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>())
        if let bias {
            (s0, s1, s2, s3) = (load(bias + column), load(bias + column + 16), load(bias + column + 32), load(bias + column + 48))
        }
        for index in rows {
            let scale = SIMD16<Float>(repeating: a[index])
            let row = b + index * n + column
            s0 = s0.addingProduct(scale, load(row))
            s1 = s1.addingProduct(scale, load(row + 16))
            s2 = s2.addingProduct(scale, load(row + 32))
            s3 = s3.addingProduct(scale, load(row + 48))
        }
        for (offset, sum) in [s0, s1, s2, s3].enumerated() {
            UnsafeMutableRawPointer(c + column + 16 * offset).storeBytes(of: sum, as: SIMD16<Float>.self)
        }
    }

    @inline(__always)
    private static func sparseBlock<V: SIMD>(
        _: V.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ rows: UnsafeBufferPointer<Int>, n: Int, column: Int, bias: UnsafePointer<Float>?
    ) where V.Scalar == Float {
        var sum = bias.map { UnsafeRawPointer($0 + column).loadUnaligned(as: V.self) } ?? V()
        for index in rows {
            sum = sum.addingProduct(V(repeating: a[index]), UnsafeRawPointer(b + index * n + column).loadUnaligned(as: V.self))
        }
        UnsafeMutableRawPointer(c + column).storeBytes(of: sum, as: V.self)
    }
}

private extension SIMD16<Float> {
    @inline(__always)
    mutating func addProduct(_ x: SIMD16<Float>, _ y: SIMD16<Float>) {
        self = self.addingProduct(x, y)
    }
}
