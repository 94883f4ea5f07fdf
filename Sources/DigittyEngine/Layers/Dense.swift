/// A fully connected layer: `output = input · weight + bias`.
///
/// `weight` is `[inputFeatures, units]` (as Keras stores it); `bias` is `[units]`. The input is `[batch, features]`.
public struct Dense: Layer {
    public let weight: Tensor
    public let bias: Tensor

    public var inputFeatures: Int { weight.shape[0] }
    public var units: Int { weight.shape[1] }

    public init(weight: Tensor, bias: Tensor) throws(ModelError) {
        guard weight.rank == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
            throw .shapeMismatch("Dense weight must be [inputFeatures, units], got \(weight.shape)")
        }
        guard bias.shape == [weight.shape[1]] else {
            throw .shapeMismatch("Dense bias must be [\(weight.shape[1])], got \(bias.shape)")
        }
        self.weight = weight
        self.bias = bias
    }

    public var spec: LayerSpec { .dense(units: units) }
    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        let shape = try spec.outputShape(for: inputShape)
        guard inputShape == [inputFeatures] else {
            throw .shapeMismatch("Dense expects [\(inputFeatures)] features, got \(inputShape)")
        }
        return shape
    }

    /// `[units]` for a feature-vector input, or why the description or the input does not fit.
    package static func outputShape(units: Int, input: [Int]) throws(ModelError) -> [Int] {
        guard units > 0 else { throw .invalidParameter("Dense units must be positive") }
        guard input.count == 1, input[0] > 0 else {
            throw .shapeMismatch("Dense expects a feature vector, got \(input) (add a Flatten?)")
        }
        return [units]
    }

    public func forward(_ input: Tensor) -> Tensor { forward(input, relu: false) }

    /// The layer, optionally followed by ReLU in the same pass.
    func forward(_ input: Tensor, relu: Bool) -> Tensor {
        let batch = input.shape[0]
        var output = Tensor(shape: [batch, units])
        input.scalars.withUnsafeBufferPointer { a in
            weight.scalars.withUnsafeBufferPointer { b in
                bias.scalars.withUnsafeBufferPointer { biases in
                    output.scalars.withUnsafeMutableBufferPointer { c in
                        MatrixMultiply.multiply(a.baseAddress!, b.baseAddress!, into: c.baseAddress!,
                                                m: batch, k: inputFeatures, n: units, bias: biases.baseAddress!)
                        if relu {
                            for index in c.indices where !(c[index] > 0) { c[index] = 0 }
                        }
                    }
                }
            }
        }
        return output
    }
}
