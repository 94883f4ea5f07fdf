/// A dense Float32 tensor: a shape and its elements in row-major order.
///
/// **Layout.** Every image tensor in the engine is NHWC: `[batch, height, width, channels]`, the channel index
/// varying fastest. This is the one place that decides it; layers, model files and the ONNX bridge follow it.
/// A batch of feature vectors is `[batch, features]`.
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements, row-major (the last dimension varies fastest).
    public var scalars: [Float]

    /// A tensor with the given shape and elements; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(Tensor.elementCount(shape) == scalars.count,
                     "shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// The product of the dimensions (1 for a scalar).
    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// The product of the dimensions, or nil when it overflows or exceeds `limit`.
    public static func checkedElementCount(_ shape: [Int], limit: Int = Int.max) -> Int? {
        var total = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= limit else { return nil }
            total = product
        }
        return total
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
