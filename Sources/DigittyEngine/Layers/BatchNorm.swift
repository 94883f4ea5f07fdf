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
        _ = try Self.outputShape(epsilon: epsilon, input: [channels])
        self.gamma = gamma
        self.beta = beta
        self.mean = mean
        self.variance = variance
        self.epsilon = epsilon
        let folded = (0..<channels).map {
            Self.scaleAndShift(gamma: gamma.scalars[$0], beta: beta.scalars[$0], mean: mean.scalars[$0],
                               variance: variance.scalars[$0], epsilon: epsilon)
        }
        (scale, shift) = (folded.map(\.scale), folded.map(\.shift))
    }

    /// One channel's normalisation as `x · scale + shift`; the trainer's inference pass uses the same numbers.
    package static func scaleAndShift(gamma: Float, beta: Float, mean: Float, variance: Float,
                                      epsilon: Float) -> (scale: Float, shift: Float) {
        let scale = gamma / (variance + epsilon).squareRoot()
        return (scale, beta - mean * scale)
    }

    /// The input shape, when its last dimension holds channels; or why the description or input does not fit.
    package static func outputShape(epsilon: Float, input: [Int]) throws(ModelError) -> [Int] {
        guard epsilon >= 0 else { throw .invalidParameter("BatchNorm epsilon must not be negative") }
        guard let channels = input.last, channels > 0 else {
            throw .shapeMismatch("BatchNorm needs a channel dimension, got \(input)")
        }
        return input
    }

    /// `output = input · scale + shift` per channel, over `rows` rows of `channels` values (may be in place).
    package static func normalize(_ input: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, rows: Int,
                                  channels: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>) {
        for row in 0..<rows {
            let (source, target) = (input + row * channels, output + row * channels)
            for channel in 0..<channels { target[channel] = source[channel] * scale[channel] + shift[channel] }
        }
    }

    public var channels: Int { gamma.count }
    public var spec: LayerSpec { .batchNorm(epsilon: epsilon) }
    public var parameters: [(name: String, tensor: Tensor)] {
        [("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance)]
    }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        _ = try spec.outputShape(for: inputShape)
        guard inputShape.last == channels else {
            throw .shapeMismatch("BatchNorm over \(channels) channels got input \(inputShape)")
        }
        return inputShape
    }

    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { values in
            guard let values = values.baseAddress else { return }
            Self.normalize(values, into: values, rows: input.count / channels, channels: channels,
                           scale: scale, shift: shift)
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
