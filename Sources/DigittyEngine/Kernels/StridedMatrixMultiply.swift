/// Single-threaded row-major matrix products with leading dimensions and transposed operands: the kernels
/// behind training (forward `A·B`, input gradients `A·Bᵀ`, weight gradients `Aᵀ·B`).
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
        if k >= denseDepth && m >= 4 {
            blockedMultiply(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, into: c, ldc: ldc, accumulate: accumulate,
                            bias: bias)
            return
        }
        rowsTimesPanels(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, c, ldc: ldc, accumulate: accumulate, bias: bias)
    }

    /// `c[m×n] = a[m×k] · bᵀ` where `b` is `[n×k]`: every element is a dot product of two rows.
    package static func multiplyTransposedB(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var column = 0
        while column + 4 <= n {
            let b0 = b + column * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
            var row = 0
            while row + 2 <= m {
                let a0 = a + row * lda, a1 = a0 + lda
                var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>(), s03 = SIMD8<Float>()
                var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>(), s13 = SIMD8<Float>()
                var index = 0
                while index + 8 <= k {
                    let x0 = load8(a0 + index), x1 = load8(a1 + index)
                    let y0 = load8(b0 + index), y1 = load8(b1 + index), y2 = load8(b2 + index), y3 = load8(b3 + index)
                    s00 = s00.addingProduct(x0, y0); s01 = s01.addingProduct(x0, y1)
                    s02 = s02.addingProduct(x0, y2); s03 = s03.addingProduct(x0, y3)
                    s10 = s10.addingProduct(x1, y0); s11 = s11.addingProduct(x1, y1)
                    s12 = s12.addingProduct(x1, y2); s13 = s13.addingProduct(x1, y3)
                    index += 8
                }
                var r00 = s00.sum(), r01 = s01.sum(), r02 = s02.sum(), r03 = s03.sum()
                var r10 = s10.sum(), r11 = s11.sum(), r12 = s12.sum(), r13 = s13.sum()
                while index < k {
                    let x0 = a0[index], x1 = a1[index]
                    r00 = r00.addingProduct(x0, b0[index]); r01 = r01.addingProduct(x0, b1[index])
                    r02 = r02.addingProduct(x0, b2[index]); r03 = r03.addingProduct(x0, b3[index])
                    r10 = r10.addingProduct(x1, b0[index]); r11 = r11.addingProduct(x1, b1[index])
                    r12 = r12.addingProduct(x1, b2[index]); r13 = r13.addingProduct(x1, b3[index])
                    index += 1
                }
                let c0 = c + row * ldc + column, c1 = c0 + ldc
                c0[0] = r00; c0[1] = r01; c0[2] = r02; c0[3] = r03
                c1[0] = r10; c1[1] = r11; c1[2] = r12; c1[3] = r13
                row += 2
            }
            if row < m {
                for offset in 0..<4 {
                    c[row * ldc + column + offset] = dot(a + row * lda, b + (column + offset) * ldb, k)
                }
            }
            column += 4
        }
        while column < n {
            for row in 0..<m { c[row * ldc + column] = dot(a + row * lda, b + column * ldb, k) }
            column += 1
        }
    }

    /// `c[k×n] = aᵀ · b` where `a` is `[m×k]` and `b` is `[m×n]` (`+=` when `accumulate`): the sum over the
    /// `m` rows of outer products, as in a weight gradient. Rows are taken in blocks so that `b` stays in cache.
    package static func multiplyTransposedA(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false
    ) {
        if m >= 64 && k >= 32 {
            if !accumulate {
                for row in 0..<k { (c + row * ldc).update(repeating: 0, count: n) }
            }
            blockedTransposedA(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, into: c, ldc: ldc)
            return
        }
        let block = 256
        var first = 0
        while first < m {
            let rows = min(block, m - first)
            transposedABlock(rows: rows, n: n, k: k, a + first * lda, lda: lda, b + first * ldb, ldb: ldb,
                             into: c, ldc: ldc, accumulate: accumulate || first > 0)
            first += rows
        }
    }

    /// From this inner dimension on, `multiply` reuses each loaded row of `b` for four rows of `a` instead of
    /// skipping zeros: streaming all of `b` again for every row of `a` then costs more than the zeros save
    /// (the deep CNN's second convolution, k = 288, trains about 10% faster blocked).
    static let denseDepth = 256

    /// Column panels of 16, each first copied to contiguous memory (so it streams from cache with no
    /// strided misses), times blocks of four rows of `a`.
    private static func blockedMultiply(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: k) { packed in
            let packed = packed.baseAddress!
            var column = 0
            while column + 16 <= n {
                for index in 0..<k { packed[index] = load16(b + index * ldb + column) }
                var row = 0
                while row + 4 <= m {
                    let a0 = a + row * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
                    let c0 = c + row * ldc + column, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                    var s0: SIMD16<Float>, s1: SIMD16<Float>, s2: SIMD16<Float>, s3: SIMD16<Float>
                    if accumulate {
                        s0 = load16(c0); s1 = load16(c1); s2 = load16(c2); s3 = load16(c3)
                    } else {
                        s0 = bias.map { load16($0 + column) } ?? SIMD16()
                        (s1, s2, s3) = (s0, s0, s0)
                    }
                    for index in 0..<k {
                        let y = packed[index]
                        s0 = s0.addingProduct(SIMD16(repeating: a0[index]), y)
                        s1 = s1.addingProduct(SIMD16(repeating: a1[index]), y)
                        s2 = s2.addingProduct(SIMD16(repeating: a2[index]), y)
                        s3 = s3.addingProduct(SIMD16(repeating: a3[index]), y)
                    }
                    store16(s0, c0); store16(s1, c1); store16(s2, c2); store16(s3, c3)
                    row += 4
                }
                if row < m {
                    rowsTimesPanels(m: m - row, n: 16, k: k, a + row * lda, lda: lda, b + column, ldb: ldb,
                                    c + row * ldc + column, ldc: ldc, accumulate: accumulate,
                                    bias: bias.map { $0 + column })
                }
                column += 16
            }
            if column < n {
                rowsTimesColumns(m: m, n: n - column, k: k, a, lda: lda, b + column, ldb: ldb, c + column, ldc: ldc,
                                 accumulate: accumulate, bias: bias.map { $0 + column })
            }
        }
    }

    /// `c += aᵀ · b` for long sums: blocks of 4 outputs × 16 columns held in registers while a 256-row block
    /// of `b` (kept in cache) streams past; no zero skipping.
    private static func blockedTransposedA(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let block = 256
        var first = 0
        while first < m {
            let rows = min(block, m - first)
            var column = 0
            while column + 16 <= n {
                var output = 0
                while output + 4 <= k {
                    let c0 = c + output * ldc + column, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
                    var s0 = load16(c0), s1 = load16(c1), s2 = load16(c2), s3 = load16(c3)
                    var source = a + first * lda + output
                    var panel = b + first * ldb + column
                    for _ in 0..<rows {
                        let y = load16(panel)
                        s0 = s0.addingProduct(SIMD16(repeating: source[0]), y)
                        s1 = s1.addingProduct(SIMD16(repeating: source[1]), y)
                        s2 = s2.addingProduct(SIMD16(repeating: source[2]), y)
                        s3 = s3.addingProduct(SIMD16(repeating: source[3]), y)
                        source += lda
                        panel += ldb
                    }
                    store16(s0, c0); store16(s1, c1); store16(s2, c2); store16(s3, c3)
                    output += 4
                }
                while output < k {
                    let target = c + output * ldc + column
                    var sum = load16(target)
                    for row in first..<first + rows {
                        sum = sum.addingProduct(SIMD16(repeating: a[row * lda + output]), load16(b + row * ldb + column))
                    }
                    store16(sum, target)
                    output += 1
                }
                column += 16
            }
            if column < n {
                for output in 0..<k {
                    let target = c + output * ldc
                    for row in first..<first + rows {
                        let value = a[row * lda + output], source = b + row * ldb
                        for j in column..<n { target[j] = target[j].addingProduct(value, source[j]) }
                    }
                }
            }
            first += rows
        }
    }

    // MARK: - Kernels

    @inline(__always)
    static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
    }

    /// Dot product with eight lanes, then the scalar tail (the same order `multiplyTransposedB` uses).
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum = SIMD8<Float>()
        var index = 0
        while index + 8 <= count {
            sum = sum.addingProduct(load8(x + index), load8(y + index))
            index += 8
        }
        var total = sum.sum()
        while index < count {
            total = total.addingProduct(x[index], y[index])
            index += 1
        }
        return total
    }

    /// The positions of a row's non-zero entries, found without branches (so that sparse rows cost no
    /// mispredictions); returns how many there are.
    @inline(__always)
    static func nonZeroPositions(_ row: UnsafePointer<Float>, stride: Int, count: Int,
                                 into positions: UnsafeMutablePointer<Int32>) -> Int {
        var found = 0
        for index in 0..<count {
            positions[found] = Int32(truncatingIfNeeded: index)
            // Integer test on the bits (±0 both count as zero) so the compiler emits no branch.
            found &+= (row[index * stride].bitPattern << 1) != 0 ? 1 : 0
        }
        return found
    }

    /// Row by row, zero-skipping: each row's non-zero entries are found once, then every column panel (64,
    /// 32 or 16 wide, held in registers) sums the rows of `b` they select.
    private static func rowsTimesPanels(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: k + 1) { positions in
            let positions = positions.baseAddress!
            for row in 0..<m {
                let source = a + row * lda, target = c + row * ldc
                let entries = UnsafeBufferPointer(start: positions,
                                                  count: nonZeroPositions(source, stride: 1, count: k, into: positions))
                var column = 0
                while column + 64 <= n {
                    rowTimesPanel64(source, entries, b + column, ldb: ldb, target + column, accumulate: accumulate,
                                    bias: bias.map { $0 + column })
                    column += 64
                }
                while column + 32 <= n {
                    rowTimesPanel32(source, entries, b + column, ldb: ldb, target + column, accumulate: accumulate,
                                    bias: bias.map { $0 + column })
                    column += 32
                }
                while column + 16 <= n {
                    rowTimesPanel16(source, entries, b + column, ldb: ldb, target + column, accumulate: accumulate,
                                    bias: bias.map { $0 + column })
                    column += 16
                }
                if column < n {
                    rowsTimesColumns(m: 1, n: n - column, k: k, source, lda: lda, b + column, ldb: ldb,
                                     target + column, ldc: ldc, accumulate: accumulate, bias: bias.map { $0 + column })
                }
            }
        }
    }

    @inline(__always)
    private static func rowTimesPanel64(
        _ source: UnsafePointer<Float>, _ entries: UnsafeBufferPointer<Int32>, _ b: UnsafePointer<Float>, ldb: Int,
        _ target: UnsafeMutablePointer<Float>, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        var s0: SIMD16<Float>, s1: SIMD16<Float>, s2: SIMD16<Float>, s3: SIMD16<Float>
        if accumulate {
            s0 = load16(target); s1 = load16(target + 16); s2 = load16(target + 32); s3 = load16(target + 48)
        } else if let bias {
            s0 = load16(bias); s1 = load16(bias + 16); s2 = load16(bias + 32); s3 = load16(bias + 48)
        } else {
            s0 = SIMD16(); s1 = SIMD16(); s2 = SIMD16(); s3 = SIMD16()
        }
        for entry in entries {
            let index = Int(entry)
            let scale = SIMD16<Float>(repeating: source[index])
            let panel = b + index * ldb
            s0 = s0.addingProduct(scale, load16(panel)); s1 = s1.addingProduct(scale, load16(panel + 16))
            s2 = s2.addingProduct(scale, load16(panel + 32)); s3 = s3.addingProduct(scale, load16(panel + 48))
        }
        store16(s0, target); store16(s1, target + 16); store16(s2, target + 32); store16(s3, target + 48)
    }

    @inline(__always)
    private static func rowTimesPanel32(
        _ source: UnsafePointer<Float>, _ entries: UnsafeBufferPointer<Int32>, _ b: UnsafePointer<Float>, ldb: Int,
        _ target: UnsafeMutablePointer<Float>, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        var s0: SIMD16<Float>, s1: SIMD16<Float>
        if accumulate {
            s0 = load16(target); s1 = load16(target + 16)
        } else if let bias {
            s0 = load16(bias); s1 = load16(bias + 16)
        } else {
            s0 = SIMD16(); s1 = SIMD16()
        }
        for entry in entries {
            let index = Int(entry)
            let scale = SIMD16<Float>(repeating: source[index])
            let panel = b + index * ldb
            s0 = s0.addingProduct(scale, load16(panel)); s1 = s1.addingProduct(scale, load16(panel + 16))
        }
        store16(s0, target); store16(s1, target + 16)
    }

    @inline(__always)
    private static func rowTimesPanel16(
        _ source: UnsafePointer<Float>, _ entries: UnsafeBufferPointer<Int32>, _ b: UnsafePointer<Float>, ldb: Int,
        _ target: UnsafeMutablePointer<Float>, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        var sum: SIMD16<Float> = accumulate ? load16(target) : (bias.map { load16($0) } ?? SIMD16())
        for entry in entries {
            let index = Int(entry)
            sum = sum.addingProduct(SIMD16(repeating: source[index]), load16(b + index * ldb))
        }
        store16(sum, target)
    }

    private static func rowsTimesColumns(
        m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?
    ) {
        for row in 0..<m {
            let target = c + row * ldc
            if !accumulate {
                if let bias { target.update(from: bias, count: n) } else { target.update(repeating: 0, count: n) }
            }
            let source = a + row * lda
            for index in 0..<k {
                let value = source[index]
                if value == 0 { continue }
                let panel = b + index * ldb
                for column in 0..<n { target[column] = target[column].addingProduct(value, panel[column]) }
            }
        }
    }

    /// `c[k×n] (+)= aᵀ · b` for one block of `rows` rows: for each output row, the non-zero entries of `a`'s
    /// column are found once and scaled rows of `b` are summed across all column panels, starting from zero
    /// in registers unless `accumulate`.
    private static func transposedABlock(
        rows: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: rows + 1) { positions in
            let positions = positions.baseAddress!
            for output in 0..<k {
                let target = c + output * ldc
                let found = nonZeroPositions(a + output, stride: lda, count: rows, into: positions)
                var column = 0
                while column + 64 <= n {
                    let t = target + column
                    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
                    if accumulate { s0 = load16(t); s1 = load16(t + 16); s2 = load16(t + 32); s3 = load16(t + 48) }
                    for entry in 0..<found {
                        let row = Int(positions[entry])
                        let scale = SIMD16<Float>(repeating: a[row * lda + output])
                        let source = b + row * ldb + column
                        s0 = s0.addingProduct(scale, load16(source)); s1 = s1.addingProduct(scale, load16(source + 16))
                        s2 = s2.addingProduct(scale, load16(source + 32)); s3 = s3.addingProduct(scale, load16(source + 48))
                    }
                    store16(s0, t); store16(s1, t + 16); store16(s2, t + 32); store16(s3, t + 48)
                    column += 64
                }
                while column + 16 <= n {
                    let t = target + column
                    var sum = accumulate ? load16(t) : SIMD16<Float>()
                    for entry in 0..<found {
                        let row = Int(positions[entry])
                        sum = sum.addingProduct(SIMD16(repeating: a[row * lda + output]), load16(b + row * ldb + column))
                    }
                    store16(sum, t)
                    column += 16
                }
                while column < n {
                    var sum: Float = accumulate ? target[column] : 0
                    for entry in 0..<found {
                        let row = Int(positions[entry])
                        sum = sum.addingProduct(a[row * lda + output], b[row * ldb + column])
                    }
                    target[column] = sum
                    column += 1
                }
            }
        }
    }
}
