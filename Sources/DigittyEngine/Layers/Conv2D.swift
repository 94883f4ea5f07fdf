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

    public func forward(_ input: Tensor) -> Tensor {
        let batch = input.shape[0], height = input.shape[1], width = input.shape[2]
        let (outHeight, padTop) = padding.geometry(length: height, size: kernelSize, stride: stride)
        let (outWidth, padLeft) = padding.geometry(length: width, size: kernelSize, stride: stride)
        var output = Tensor(shape: [batch, outHeight, outWidth, filters])
        let geometry = ConvolutionGeometry(
            height: height, width: width, channels: inputChannels, outHeight: outHeight, outWidth: outWidth,
            filters: filters, kernel: kernelSize, stride: stride, padTop: padTop, padLeft: padLeft)
        input.scalars.withUnsafeBufferPointer { source in
            weight.scalars.withUnsafeBufferPointer { weights in
                bias.scalars.withUnsafeBufferPointer { biases in
                    output.scalars.withUnsafeMutableBufferPointer { destination in
                        geometry.run(batch: batch, input: source.baseAddress!, weights: weights.baseAddress!,
                                     bias: biases.baseAddress!, output: destination.baseAddress!)
                    }
                }
            }
        }
        return output
    }
}

/// The sizes of one convolution, and its direct NHWC kernel.
struct ConvolutionGeometry: Sendable {
    let height, width, channels, outHeight, outWidth, filters, kernel, stride, padTop, padLeft: Int

    /// Convolves `batch` images, spreading the images over the cores.
    func run(batch: Int, input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
             output: UnsafeMutablePointer<Float>) {
        let inputSize = height * width * channels, outputSize = outHeight * outWidth * filters
        let work = batch * outputSize * kernel * kernel * channels
        let addresses = (Int(bitPattern: input), Int(bitPattern: weights), Int(bitPattern: bias),
                         Int(bitPattern: output))
        Parallel.forEachChunk(items: batch, work: work) { images in
            let input = UnsafePointer<Float>(bitPattern: addresses.0)!
            let weights = UnsafePointer<Float>(bitPattern: addresses.1)!
            let bias = UnsafePointer<Float>(bitPattern: addresses.2)!
            let output = UnsafeMutablePointer<Float>(bitPattern: addresses.3)!
            for image in images {
                convolve(input + image * inputSize, weights, bias, output + image * outputSize)
            }
        }
    }

    /// One image: every output pixel starts at the bias and adds `x · weight[ky, kx, c, :]` for each input
    /// value `x` under the window, vectorised across the output channels. Zero inputs are skipped.
    func convolve(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                  _ output: UnsafeMutablePointer<Float>) {
        let vectorEnd = filters & ~7
        for outRow in 0..<outHeight {
            for outColumn in 0..<outWidth {
                let target = output + (outRow * outWidth + outColumn) * filters
                target.update(from: bias, count: filters)
                for kernelRow in 0..<kernel {
                    let row = outRow * stride + kernelRow - padTop
                    if row < 0 || row >= height { continue }
                    for kernelColumn in 0..<kernel {
                        let column = outColumn * stride + kernelColumn - padLeft
                        if column < 0 || column >= width { continue }
                        let pixel = input + (row * width + column) * channels
                        let tap = weights + (kernelRow * kernel + kernelColumn) * channels * filters
                        for channel in 0..<channels {
                            let value = pixel[channel]
                            if value == 0 { continue }
                            let scale = SIMD8<Float>(repeating: value)
                            let weightRow = tap + channel * filters
                            var filter = 0
                            while filter < vectorEnd {
                                let destination = UnsafeMutableRawPointer(target + filter)
                                let sum = destination.loadUnaligned(as: SIMD8<Float>.self).addingProduct(
                                    scale, UnsafeRawPointer(weightRow + filter).loadUnaligned(as: SIMD8<Float>.self))
                                destination.storeBytes(of: sum, as: SIMD8<Float>.self)
                                filter += 8
                            }
                            while filter < filters {
                                target[filter] += value * weightRow[filter]
                                filter += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
