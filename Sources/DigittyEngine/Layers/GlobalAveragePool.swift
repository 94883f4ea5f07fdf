/// The mean of each channel over the whole image: `[batch, h, w, c]` → `[batch, c]`.
public struct GlobalAveragePool: Layer {
    public init() {}

    public var spec: LayerSpec { .globalAveragePool }

    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { try Self.outputShape(input: inputShape) }

    /// `[channels]` for an image input.
    package static func outputShape(input: [Int]) throws(ModelError) -> [Int] {
        [try imageShape(input, for: "GlobalAveragePool").channels]
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
