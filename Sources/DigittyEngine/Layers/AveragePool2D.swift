/// Average pooling over a square window of NHWC images; padded positions are not counted (as Keras).
public struct AveragePool2D: Layer {
    let window: PoolingWindow

    public init(size: Int = 2, stride: Int? = nil, padding: Padding = .valid) throws(ModelError) {
        window = try PoolingWindow(layer: "AveragePool2D", size: size, stride: stride, padding: padding)
    }

    public var spec: LayerSpec { .averagePool2D(size: window.size, stride: window.stride, padding: window.padding) }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        try window.outputShape(for: inputShape, layer: "AveragePool2D")
    }

    public func forward(_ input: Tensor) -> Tensor {
        window.apply(input) { target, pixels, channels in
            target.update(repeating: 0, count: channels)
            for pixel in pixels {
                for channel in 0..<channels { target[channel] += pixel[channel] }
            }
            let scale = 1 / Float(pixels.count)
            for channel in 0..<channels { target[channel] *= scale }
        }
    }
}

/// The mean of each channel over the whole image: `[batch, h, w, c]` → `[batch, c]`.
public struct GlobalAveragePool: Layer {
    public init() {}

    public var spec: LayerSpec { .globalAveragePool }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        [try imageShape(inputShape, for: "GlobalAveragePool").channels]
    }

    public func forward(_ input: Tensor) -> Tensor {
        let batch = input.shape[0], pixels = input.shape[1] * input.shape[2], channels = input.shape[3]
        var output = Tensor(shape: [batch, channels])
        let scale = pixels > 0 ? 1 / Float(pixels) : 0
        for image in 0..<batch {
            for pixel in 0..<pixels {
                let base = (image * pixels + pixel) * channels
                for channel in 0..<channels { output.scalars[image * channels + channel] += input.scalars[base + channel] }
            }
            for channel in 0..<channels { output.scalars[image * channels + channel] *= scale }
        }
        return output
    }
}
