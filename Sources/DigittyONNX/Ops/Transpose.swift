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
        let offsets = Broadcasting.stridedOffsets(shape: shape, strides: strides)
        return x.gathering(offsets, shape: shape)
    }
}
