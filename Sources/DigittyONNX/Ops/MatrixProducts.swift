import DigittyEngine

/// Gemm and MatMul, on the engine's matrix kernel.
enum MatrixProducts {
    /// `alpha · A' · B' + beta · C`, with A' and B' optionally transposed and C broadcast to `[M, N]`.
    static func gemm(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let (aShape, aValues) = try context.floatInput(0), (bShape, bValues) = try context.floatInput(1)
        guard aShape.count == 2, bShape.count == 2 else { throw context.fail("A and B must be 2-D, got \(aShape) and \(bShape)") }
        let alpha = try context.float("alpha", default: 1), beta = try context.float("beta", default: 1)
        let transA = try context.int("transA", default: 0) != 0, transB = try context.int("transB", default: 0) != 0
        let (m, k) = transA ? (aShape[1], aShape[0]) : (aShape[0], aShape[1])
        let (kB, n) = transB ? (bShape[1], bShape[0]) : (bShape[0], bShape[1])
        guard k == kB else { throw context.fail("inner dimensions differ: A \(aShape) and B \(bShape) (transA \(transA), transB \(transB))") }
        let a = transA ? transposed(aValues, rows: aShape[0], columns: aShape[1]) : aValues
        let b = transB ? transposed(bValues, rows: bShape[0], columns: bShape[1]) : bValues
        var result = try multiply(a, b, m: m, k: k, n: n, context: context)
        if alpha != 1 { for index in result.indices { result[index] *= alpha } }
        if let c = context.optionalInput(2) {
            guard let cValues = c.floats else { throw context.fail("C must be FLOAT") }
            guard let shape = Broadcasting.shape(c.shape, [m, n]), shape == [m, n] else {
                throw context.fail("C \(c.shape) does not broadcast to [\(m), \(n)]")
            }
            let offsets = Broadcasting.offsets(from: c.shape, to: [m, n])
            for index in result.indices { result[index] += beta * cValues[offsets[index]] }
        }
        return [ONNXTensor(shape: [m, n], floats: result)]
    }

    /// numpy `matmul`: 1-D operands promoted and their axis removed after, batch dimensions broadcast.
    static func matMul(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let (aShape, aValues) = try context.floatInput(0), (bShape, bValues) = try context.floatInput(1)
        guard !aShape.isEmpty, !bShape.isEmpty else { throw context.fail("operands must be at least 1-D") }
        let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
        let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
        let (m, k) = (a2[a2.count - 2], a2[a2.count - 1])
        let (kB, n) = (b2[b2.count - 2], b2[b2.count - 1])
        guard k == kB else { throw context.fail("inner dimensions differ: \(aShape) · \(bShape)") }
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        guard let batch = Broadcasting.shape(aBatch, bBatch) else {
            throw context.fail("batch dimensions of \(aShape) and \(bShape) do not broadcast")
        }
        let batches = try ONNXTensor.checkedCount(batch + [m, n], context: context.node.name) / max(1, m * n)
        let aOffsets = Broadcasting.offsets(from: aBatch, to: batch), bOffsets = Broadcasting.offsets(from: bBatch, to: batch)
        var result: [Float] = []
        result.reserveCapacity(batches * m * n)
        for index in 0..<(m * n == 0 ? 0 : batches) {
            let aStart = aOffsets[index] * m * k, bStart = bOffsets[index] * k * n
            result += try multiply(Array(aValues[aStart..<aStart + m * k]), Array(bValues[bStart..<bStart + k * n]),
                                   m: m, k: k, n: n, context: context)
        }
        var shape = batch + [m, n]
        if bShape.count == 1 { shape.removeLast() }
        if aShape.count == 1 { shape.remove(at: shape.count - (bShape.count == 1 ? 1 : 2)) }
        if result.count != shape.reduce(1, *) { result = [Float](repeating: 0, count: shape.reduce(1, *)) }
        return [ONNXTensor(shape: shape, floats: result)]
    }

    static func multiply(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int,
                         context: OperatorContext) throws(ONNXError) -> [Float] {
        _ = try ONNXTensor.checkedCount([m, n], context: context.node.name)
        var c = [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return c }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    MatrixMultiply.parallelMultiply(a.baseAddress!, b.baseAddress!, into: c.baseAddress!, m: m, k: k, n: n)
                }
            }
        }
        return c
    }

    static func transposed(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = values[row * columns + column] }
        }
        return result
    }
}
