/// `max(0, x)` element-wise.
public struct ReLU: Layer {
    public init() {}
    public var spec: LayerSpec { .relu }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { inputShape }
    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        output.scalars.withUnsafeMutableBufferPointer { values in
            for index in values.indices where !(values[index] > 0) { values[index] = 0 }
        }
        return output
    }
}
