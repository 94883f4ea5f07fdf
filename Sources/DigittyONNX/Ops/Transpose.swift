/// Transpose: permutes the axes (reversed when `perm` is absent).
enum Transpose {
    static func run(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let perm = try context.ints("perm") ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw context.attributeError("perm", "\(perm) is not a permutation of the \(x.rank) axes")
        }
        return [permute(x, perm)]
    }

    /// The tensor with its axes reordered: output axis `i` is input axis `perm[i]`.
    static func permute(_ x: ONNXTensor, _ perm: [Int]) -> ONNXTensor {
        let shape = perm.map { x.shape[$0] }
        let inputStrides = ONNXTensor.strides(x.shape)
        let strides = perm.map { inputStrides[$0] }
        let count = x.count
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
        return x.gathering(offsets, shape: shape)
    }
}
