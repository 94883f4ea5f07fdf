/// Reshapes each sample to a vector: `[batch, h, w, c]` → `[batch, h·w·c]` (NHWC order, as Keras).
public struct Flatten: Layer {
    public init() {}
    public var spec: LayerSpec { .flatten }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { Self.outputShape(input: inputShape) }
    package static func outputShape(input: [Int]) -> [Int] { [Tensor.elementCount(input)] }
    public func forward(_ input: Tensor) -> Tensor {
        input.reshaped([input.shape[0], Tensor.elementCount(Array(input.shape.dropFirst()))])
    }
}
