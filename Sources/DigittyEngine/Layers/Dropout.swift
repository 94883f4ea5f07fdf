/// Randomly zeroes activations during training; the identity at inference.
public struct Dropout: Layer {
    public let rate: Float
    public init(rate: Float) throws(ModelError) {
        _ = try Self.outputShape(rate: rate, input: [])
        self.rate = rate
    }

    /// The input shape, for a rate in [0, 1).
    package static func outputShape(rate: Float, input: [Int]) throws(ModelError) -> [Int] {
        guard rate >= 0, rate < 1 else { throw .invalidParameter("Dropout rate must be in [0, 1), got \(rate)") }
        return input
    }
    public var spec: LayerSpec { .dropout(rate: rate) }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { inputShape }
    public func forward(_ input: Tensor) -> Tensor { input }
}
