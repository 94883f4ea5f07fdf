/// Batch normalisation in its inference form, over the last dimension (channels):
/// `y = gamma · (x − mean) / sqrt(variance + epsilon) + beta`.
public struct BatchNorm: Layer {
    public let gamma: Tensor
    public let beta: Tensor
    public let mean: Tensor
    public let variance: Tensor
    public let epsilon: Float
    /// `gamma / sqrt(variance + epsilon)` and `beta − mean · scale`, folded once at load.
    let scale: [Float]
    let shift: [Float]

    public init(gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float = 1e-3) throws(ModelError) {
        let channels = gamma.count
        for (name, tensor) in [("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance)]
        where tensor.shape != [channels] || channels == 0 {
            throw .shapeMismatch("BatchNorm \(name) must be [\(channels)], got \(tensor.shape)")
        }
        guard epsilon >= 0 else { throw .invalidParameter("BatchNorm epsilon must not be negative") }
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
        scale = (0..<channels).map { gamma.scalars[$0] / (variance.scalars[$0] + epsilon).squareRoot() }
        shift = (0..<channels).map { [scale] in beta.scalars[$0] - mean.scalars[$0] * scale[$0] }
    }

    public var channels: Int { gamma.count }
    public var spec: LayerSpec { .batchNorm(epsilon: epsilon) }
    public var parameters: [(name: String, tensor: Tensor)] {
        [("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance)]
    }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        guard inputShape.last == channels else {
            throw .shapeMismatch("BatchNorm over \(channels) channels got input \(inputShape)")
        }
        return inputShape
    }

    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        let channels = self.channels
        output.scalars.withUnsafeMutableBufferPointer { values in
            scale.withUnsafeBufferPointer { scale in
                shift.withUnsafeBufferPointer { shift in
                    var start = 0
                    while start < values.count {
                        for channel in 0..<channels {
                            values[start + channel] = values[start + channel] * scale[channel] + shift[channel]
                        }
                        start += channels
                    }
                }
            }
        }
        return output
    }
}

extension BatchNorm {
    /// `conv` followed by this layer as one convolution: each filter's weights and bias scaled by `scale`, the
    /// bias shifted by `shift` (`gamma · (w·x + b − mean) / sqrt(variance + ε) + beta`). The inference plan runs
    /// it in place of the two layers, so that ReLU and pooling fuse with the convolution again; the ONNX export
    /// writes it as one node.
    package func folded(into conv: Conv2D) throws(ModelError) -> Conv2D {
        try Conv2D(weight: scaledColumns(conv.weight), bias: shiftedBias(conv.bias),
                   stride: conv.stride, padding: conv.padding)
    }

    /// `dense` followed by this layer as one dense layer, as `folded(into:)` a convolution.
    package func folded(into dense: Dense) throws(ModelError) -> Dense {
        try Dense(weight: scaledColumns(dense.weight), bias: shiftedBias(dense.bias))
    }

    /// A weight whose last dimension is this layer's channels, each column scaled by its channel's `scale`.
    private func scaledColumns(_ weight: Tensor) -> Tensor {
        var scaled = weight
        for index in scaled.scalars.indices { scaled.scalars[index] *= scale[index % channels] }
        return scaled
    }

    private func shiftedBias(_ bias: Tensor) -> Tensor {
        Tensor(shape: bias.shape, scalars: (0..<channels).map { bias.scalars[$0] * scale[$0] + shift[$0] })
    }
}
