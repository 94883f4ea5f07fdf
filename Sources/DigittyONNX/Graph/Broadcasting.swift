/// numpy-style broadcasting of shapes, shared by the element-wise operators.
enum Broadcasting {
    /// The broadcast shape of two shapes, or nil when they do not broadcast.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let x = axis - (rank - a.count) >= 0 ? a[axis - (rank - a.count)] : 1
            let y = axis - (rank - b.count) >= 0 ? b[axis - (rank - b.count)] : 1
            guard x == y || x == 1 || y == 1 else { return nil }
            result[axis] = x == 1 ? y : x
        }
        return result
    }

    /// For each element of `output` (row-major), the offset of the element of a tensor shaped `source`
    /// broadcast to it. `source` must broadcast to `output`.
    static func offsets(from source: [Int], to output: [Int]) -> [Int] {
        let rank = output.count
        let padded = [Int](repeating: 1, count: rank - source.count) + source
        var strides = ONNXTensor.strides(padded)
        for axis in 0..<rank where padded[axis] == 1 { strides[axis] = 0 }
        return stridedOffsets(shape: output, strides: strides)
    }

    /// For each element of `shape` (row-major), `Σ index[axis] · strides[axis]`: the source offset of a
    /// strided view (broadcast when a stride is 0, permuted when the strides are reordered).
    static func stridedOffsets(shape: [Int], strides: [Int]) -> [Int] {
        let count = shape.reduce(1, *)
        var offsets = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for position in 0..<count {
            offsets[position] = offset
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return offsets
    }
}
