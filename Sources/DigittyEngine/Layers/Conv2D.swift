import CDigittyKernels

/// A 2-D convolution over NHWC images: `filters` output channels, a square `kernelSize` window, with bias.
///
/// `weight` is `[kernelSize, kernelSize, inputChannels, filters]` (HWIO, as Keras stores it); `bias` is `[filters]`.
public struct Conv2D: Layer {
    public let weight: Tensor
    public let bias: Tensor
    public let stride: Int
    public let padding: Padding
    /// How the convolution is computed (`algorithm(kernelSize:stride:inputChannels:)`).
    let algorithm: Algorithm

    package enum Algorithm: Sendable { case direct, winograd }

    public var kernelSize: Int { weight.shape[0] }
    public var inputChannels: Int { weight.shape[2] }
    public var filters: Int { weight.shape[3] }

    public init(weight: Tensor, bias: Tensor, stride: Int = 1, padding: Padding = .valid) throws(ModelError) {
        guard weight.rank == 4, weight.shape[0] == weight.shape[1], weight.shape[0] > 0, weight.shape[2] > 0,
              weight.shape[3] > 0 else {
            throw .shapeMismatch("Conv2D weight must be [k, k, inputChannels, filters], got \(weight.shape)")
        }
        guard bias.shape == [weight.shape[3]] else {
            throw .shapeMismatch("Conv2D bias must be [\(weight.shape[3])], got \(bias.shape)")
        }
        guard stride > 0 else { throw .invalidParameter("Conv2D stride must be positive, got \(stride)") }
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        algorithm = Self.algorithm(kernelSize: weight.shape[0], stride: stride, inputChannels: weight.shape[2])
    }

    /// Winograd for 3×3, stride-1 layers over several channels, where it needs 2.25× to 4.6× fewer multiplications;
    /// direct otherwise (one input channel leaves too little work per transform).
    package static func algorithm(kernelSize: Int, stride: Int, inputChannels: Int) -> Algorithm {
        kernelSize == 3 && stride == 1 && inputChannels >= 8 ? .winograd : .direct
    }

    /// The output shape of a `filters`-filter, `kernelSize`-wide convolution over an image sample, or why
    /// the description or the input does not fit: the checks that the engine's and the trainer's layer share.
    package static func outputShape(filters: Int, kernelSize: Int, stride: Int, padding: Padding,
                                    input: [Int]) throws(ModelError) -> [Int] {
        guard filters > 0, kernelSize > 0, stride > 0 else {
            throw .invalidParameter("Conv2D filters, kernel size and stride must be positive")
        }
        let (height, width, _) = try imageShape(input, for: "Conv2D")
        let rows = padding.geometry(length: height, size: kernelSize, stride: stride).output
        let columns = padding.geometry(length: width, size: kernelSize, stride: stride).output
        guard rows > 0, columns > 0 else {
            throw .shapeMismatch("Conv2D \(kernelSize)×\(kernelSize) window does not fit a \(height)×\(width) input")
        }
        return [rows, columns, filters]
    }

    public var spec: LayerSpec { .conv2D(filters: filters, kernelSize: kernelSize, stride: stride, padding: padding) }
    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        let shape = try spec.outputShape(for: inputShape)
        guard inputShape[2] == inputChannels else {
            throw .shapeMismatch("Conv2D expects \(inputChannels) input channels, got \(inputShape[2])")
        }
        return shape
    }

    public func forward(_ input: Tensor) -> Tensor { forward(input, then: .none) }

    /// What runs fused after the convolution, in the same pass over the output.
    package enum Epilogue: Sendable { case none, relu, reluMaxPool2x2 }

    /// The convolution, optionally followed by ReLU, or by ReLU and 2×2 max pooling with stride 2. A Winograd
    /// convolution takes `winogradWeights(height:width:then:)` for the input's size, transformed here when not
    /// given (an inference plan transforms them once, at load). Tests choose the instruction set and the algorithm.
    func forward(_ input: Tensor, then epilogue: Epilogue, on set: dk_instruction_set = InstructionSet.best,
                 algorithm: Algorithm? = nil, winogradWeights: [Float]? = nil) -> Tensor {
        let batch = input.shape[0]
        let shape = geometry(height: input.shape[1], width: input.shape[2])
        let pooled = epilogue == .reluMaxPool2x2
        var output = Tensor(shape: [batch, pooled ? shape.out_height / 2 : shape.out_height,
                                    pooled ? shape.out_width / 2 : shape.out_width, filters])
        guard output.count > 0 else { return output }  // an empty batch, or a window larger than the input
        let winograd = (algorithm ?? self.algorithm) == .winograd
            ? winogradWeights ?? self.winogradWeights(height: input.shape[1], width: input.shape[2], then: epilogue)
            : nil
        input.scalars.withUnsafeBufferPointer { source in
            (winograd ?? weight.scalars).withUnsafeBufferPointer { weights in
                bias.scalars.withUnsafeBufferPointer { biases in
                    output.scalars.withUnsafeMutableBufferPointer { destination in
                        Self.convolve(images: batch, shape, source.baseAddress!, weights.baseAddress!,
                                      winograd: winograd != nil, biases.baseAddress!, destination.baseAddress!,
                                      then: epilogue, on: set)
                    }
                }
            }
        }
        return output
    }

    /// This 3×3, stride-1 layer's weights as the Winograd convolution of a `height`×`width` input takes them.
    package func winogradWeights(height: Int, width: Int, then epilogue: Epilogue) -> [Float] {
        let tile = Self.winogradTile(geometry(height: height, width: width), then: epilogue)
        var transformed = [Float](repeating: 0, count: Self.winogradWeightCount(tile: tile, channels: inputChannels,
                                                                                 filters: filters))
        weight.scalars.withUnsafeBufferPointer { weights in
            transformed.withUnsafeMutableBufferPointer {
                Self.transformWinogradWeights(weights.baseAddress!, tile: tile, channels: inputChannels,
                                              filters: filters, into: $0.baseAddress!)
            }
        }
        return transformed
    }

    /// The output tile size (pixels a side) of the Winograd convolution over `shape` (`dk_winograd_tile`).
    package static func winogradTile(_ shape: dk_conv_shape, then epilogue: Epilogue) -> Int {
        var shape = shape
        return dk_winograd_tile(&shape, epilogue.kernelEpilogue)
    }

    /// How many floats `transformWinogradWeights` writes for tiles of `tile` pixels a side.
    package static func winogradWeightCount(tile: Int, channels: Int, filters: Int) -> Int {
        dk_winograd_weight_floats(tile, channels, filters)
    }

    /// HWIO 3×3 weights `[3, 3, channels, filters]` as `convolve(…winograd: true…)` takes them for tiles of `tile`.
    package static func transformWinogradWeights(_ weights: UnsafePointer<Float>, tile: Int, channels: Int,
                                                 filters: Int, into transformed: UnsafeMutablePointer<Float>) {
        dk_winograd_weights(tile, weights, channels, filters, transformed)
    }

    /// The kernels' description of this layer over a `height`×`width` input.
    package func geometry(height: Int, width: Int) -> dk_conv_shape {
        Self.geometry(height: height, width: width, channels: inputChannels, filters: filters,
                      kernelSize: kernelSize, stride: stride, padding: padding)
    }

    package static func geometry(height: Int, width: Int, channels: Int, filters: Int, kernelSize: Int,
                                 stride: Int, padding: Padding) -> dk_conv_shape {
        let (outHeight, padTop) = padding.geometry(length: height, size: kernelSize, stride: stride)
        let (outWidth, padLeft) = padding.geometry(length: width, size: kernelSize, stride: stride)
        return dk_conv_shape(height: height, width: width, channels: channels, filters: filters, kernel: kernelSize,
                             stride: stride, pad_top: padTop, pad_left: padLeft, out_height: outHeight,
                             out_width: outWidth)
    }

    /// Convolves `images` NHWC images, one after another, with `dk_conv2d` (weights HWIO) or, when `winograd`,
    /// `dk_winograd_conv2d` (weights from `dk_winograd_weights` for the shape's tile), with the epilogue fused. The
    /// engine's layer and the trainer's forward pass both run this, so that a model answers the same in both.
    package static func convolve(images: Int, _ shape: dk_conv_shape, _ input: UnsafePointer<Float>,
                                 _ weights: UnsafePointer<Float>, winograd: Bool, _ bias: UnsafePointer<Float>,
                                 _ output: UnsafeMutablePointer<Float>, then epilogue: Epilogue,
                                 on set: dk_instruction_set = InstructionSet.best) {
        var shape = shape
        let pooled = epilogue == .reluMaxPool2x2
        let inputSize = shape.height * shape.width * shape.channels
        let outputSize = (pooled ? (shape.out_height / 2) * (shape.out_width / 2) : shape.out_height * shape.out_width)
            * shape.filters
        guard outputSize > 0, images > 0 else { return }
        let fused = epilogue.kernelEpilogue
        guard winograd else {
            for image in 0..<images {
                dk_conv2d(set, &shape, input + image * inputSize, weights, bias, output + image * outputSize, fused)
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: dk_winograd_scratch_floats(&shape, fused)) { scratch in
            for image in 0..<images {
                dk_winograd_conv2d(set, &shape, input + image * inputSize, weights, bias,
                                   output + image * outputSize, fused, scratch.baseAddress!)
            }
        }
    }
}

extension Conv2D.Epilogue {
    /// The kernels' name for it.
    var kernelEpilogue: dk_epilogue {
        switch self {
        case .none: DK_EPILOGUE_NONE
        case .relu: DK_EPILOGUE_RELU
        case .reluMaxPool2x2: DK_EPILOGUE_RELU_MAXPOOL2
        }
    }
}
