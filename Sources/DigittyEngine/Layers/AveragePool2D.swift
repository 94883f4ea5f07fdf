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
