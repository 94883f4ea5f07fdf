/// `x` for positive `x`, `alpha · x` otherwise, element-wise.
public struct LeakyReLU: Layer {
    public let alpha: Float
    public init(alpha: Float = 0.01) { self.alpha = alpha }
    public var spec: LayerSpec { .leakyReLU(alpha: alpha) }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { inputShape }
    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        for index in output.scalars.indices where output.scalars[index] < 0 { output.scalars[index] *= alpha }
        return output
    }
}
