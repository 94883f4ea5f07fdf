/// A 2-D convolution over NHWC images: `filters` output channels, a square `kernelSize` window, with bias.
///
/// `weight` is `[kernelSize, kernelSize, inputChannels, filters]` (HWIO, as Keras stores it); `bias` is `[filters]`.
public struct Conv2D: Layer {
    public let weight: Tensor
    public let bias: Tensor
    public let stride: Int
    public let padding: Padding

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

    /// The convolution, optionally followed by ReLU, or by ReLU and 2×2 max pooling with stride 2.
    func forward(_ input: Tensor, then epilogue: Epilogue) -> Tensor {
        let batch = input.shape[0], height = input.shape[1], width = input.shape[2]
        let (outHeight, padTop) = padding.geometry(length: height, size: kernelSize, stride: stride)
        let (outWidth, padLeft) = padding.geometry(length: width, size: kernelSize, stride: stride)
        let pooled = epilogue == .reluMaxPool2x2
        let (storedHeight, storedWidth) = pooled ? (outHeight / 2, outWidth / 2) : (outHeight, outWidth)
        var output = Tensor(shape: [batch, storedHeight, storedWidth, filters])
        let convolution = DirectConvolution(
            height: height, width: width, channels: inputChannels, outHeight: outHeight, outWidth: outWidth,
            filters: filters, kernel: kernelSize, stride: stride, padTop: padTop, padLeft: padLeft)
        let (inputSize, outputSize) = (height * width * inputChannels, storedHeight * storedWidth * filters)
        input.scalars.withUnsafeBufferPointer { source in
            weight.scalars.withUnsafeBufferPointer { weights in
                bias.scalars.withUnsafeBufferPointer { biases in
                    output.scalars.withUnsafeMutableBufferPointer { destination in
                        for image in 0..<batch {
                            let (from, to) = (source.baseAddress! + image * inputSize,
                                              destination.baseAddress! + image * outputSize)
                            if pooled {
                                convolution.convolveReLUMaxPool(from, weights.baseAddress!, biases.baseAddress!, to)
                            } else {
                                convolution.convolve(from, weights.baseAddress!, biases.baseAddress!, to,
                                                     relu: epilogue == .relu)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

