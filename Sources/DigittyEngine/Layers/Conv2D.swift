import CDigittyKernels

/// A 2-D convolution over NHWC images: `filters` output channels, a square `kernelSize` window, with bias.
///
/// `weight` is `[kernelSize, kernelSize, inputChannels, filters]` (HWIO, as Keras stores it); `bias` is `[filters]`.
public struct Conv2D: Layer {
    public let weight: Tensor
    public let bias: Tensor
    public let stride: Int
    public let padding: Padding
    /// For a 3×3 kernel with stride 1, the weights transformed for the Winograd convolution (`dk_winograd_weights`).
    let winogradWeights: [Float]?
    /// How the convolution is computed: Winograd for 3×3, stride-1 layers over several channels, where it needs
    /// 2.25× fewer multiplications; directly otherwise (one input channel leaves too little work per transform).
    let algorithm: Algorithm

    enum Algorithm { case direct, winograd }

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
        let (channels, filters) = (weight.shape[2], weight.shape[3])
        if weight.shape[0] == 3 && stride == 1 {
            var transformed = [Float](repeating: 0, count: dk_winograd_weight_floats(channels, filters))
            weight.scalars.withUnsafeBufferPointer { weights in
                transformed.withUnsafeMutableBufferPointer {
                    dk_winograd_weights(weights.baseAddress!, channels, filters, $0.baseAddress!)
                }
            }
            winogradWeights = transformed
        } else {
            winogradWeights = nil
        }
        algorithm = winogradWeights != nil && channels >= 8 ? .winograd : .direct
    }

    public var spec: LayerSpec { .conv2D(filters: filters, kernelSize: kernelSize, stride: stride, padding: padding) }
    public var parameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        let (height, width, channels) = try imageShape(inputShape, for: "Conv2D")
        guard channels == inputChannels else {
            throw .shapeMismatch("Conv2D expects \(inputChannels) input channels, got \(channels)")
        }
        let rows = padding.geometry(length: height, size: kernelSize, stride: stride).output
        let columns = padding.geometry(length: width, size: kernelSize, stride: stride).output
        guard rows > 0, columns > 0 else {
            throw .shapeMismatch("Conv2D \(kernelSize)×\(kernelSize) window does not fit a \(height)×\(width) input")
        }
        return [rows, columns, filters]
    }

    public func forward(_ input: Tensor) -> Tensor { forward(input, then: .none) }

    /// What runs fused after the convolution, in the same pass over the output.
    enum Epilogue { case none, relu, reluMaxPool2x2 }

    /// The convolution, optionally followed by ReLU, or by ReLU and 2×2 max pooling with stride 2, by
    /// `dk_conv2d` or `dk_winograd_conv2d` (tests choose the instruction set and the algorithm).
    func forward(_ input: Tensor, then epilogue: Epilogue, on set: dk_instruction_set = InstructionSet.best,
                 algorithm: Algorithm? = nil) -> Tensor {
        let batch = input.shape[0], height = input.shape[1], width = input.shape[2]
        let (outHeight, padTop) = padding.geometry(length: height, size: kernelSize, stride: stride)
        let (outWidth, padLeft) = padding.geometry(length: width, size: kernelSize, stride: stride)
        let pooled = epilogue == .reluMaxPool2x2
        let (storedHeight, storedWidth) = pooled ? (outHeight / 2, outWidth / 2) : (outHeight, outWidth)
        var output = Tensor(shape: [batch, storedHeight, storedWidth, filters])
        var shape = dk_conv_shape(height: height, width: width, channels: inputChannels, filters: filters,
                                  kernel: kernelSize, stride: stride, pad_top: padTop, pad_left: padLeft,
                                  out_height: outHeight, out_width: outWidth)
        let fused = switch epilogue {
        case .none: DK_EPILOGUE_NONE
        case .relu: DK_EPILOGUE_RELU
        case .reluMaxPool2x2: DK_EPILOGUE_RELU_MAXPOOL2
        }
        let (inputSize, outputSize) = (height * width * inputChannels, storedHeight * storedWidth * filters)
        guard outputSize > 0, batch > 0 else { return output }
        let winograd = (algorithm ?? self.algorithm) == .winograd ? winogradWeights : nil
        input.scalars.withUnsafeBufferPointer { source in
            (winograd ?? weight.scalars).withUnsafeBufferPointer { weights in
                bias.scalars.withUnsafeBufferPointer { biases in
                    output.scalars.withUnsafeMutableBufferPointer { destination in
                        let (from, to) = (source.baseAddress!, destination.baseAddress!)
                        guard winograd != nil else {
                            for image in 0..<batch {
                                dk_conv2d(set, &shape, from + image * inputSize, weights.baseAddress!,
                                          biases.baseAddress!, to + image * outputSize, fused)
                            }
                            return
                        }
                        let scratchSize = dk_winograd_scratch_floats(&shape, fused)
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchSize) { scratch in
                            for image in 0..<batch {
                                dk_winograd_conv2d(set, &shape, from + image * inputSize, weights.baseAddress!,
                                                   biases.baseAddress!, to + image * outputSize, fused,
                                                   scratch.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
