/// Max pooling over a square window of NHWC images (padding, if any, never wins the max).
public struct MaxPool2D: Layer {
    let window: PoolingWindow

    public init(size: Int = 2, stride: Int? = nil, padding: Padding = .valid) throws(ModelError) {
        window = try PoolingWindow(layer: "MaxPool2D", size: size, stride: stride, padding: padding)
    }

    public var size: Int { window.size }
    public var stride: Int { window.stride }
    public var spec: LayerSpec { .maxPool2D(size: window.size, stride: window.stride, padding: window.padding) }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        try window.outputShape(for: inputShape, layer: "MaxPool2D")
    }

    public func forward(_ input: Tensor) -> Tensor {
        window.apply(input) { target, pixels, channels in
            target.update(from: pixels[0], count: channels)
            for pixel in pixels.dropFirst() {
                for channel in 0..<channels where pixel[channel] > target[channel] {
                    target[channel] = pixel[channel]
                }
            }
        }
    }
}
