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

/// Probabilities over the last dimension: `exp(x - max) / sum(exp(x - max))`.
public struct Softmax: Layer {
    public init() {}
    public var spec: LayerSpec { .softmax }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        guard !inputShape.isEmpty else { throw .shapeMismatch("Softmax needs at least one dimension") }
        return inputShape
    }
    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        let width = input.shape.last ?? 1
        guard width > 0 else { return output }
        output.scalars.withUnsafeMutableBufferPointer { values in
            Softmax.normalize(values, width: width)
        }
        return output
    }

    /// Replaces each run of `width` values with its softmax.
    package static func normalize(_ values: UnsafeMutableBufferPointer<Float>, width: Int) {
        var start = 0
        while start + width <= values.count {
            var largest = -Float.infinity
            for index in start..<start + width { largest = max(largest, values[index]) }
            var total: Float = 0
            for index in start..<start + width {
                let e = exp(values[index] - largest)
                values[index] = e
                total += e
            }
            for index in start..<start + width { values[index] /= total }
            start += width
        }
    }
}

/// Reshapes each sample to a vector: `[batch, h, w, c]` → `[batch, h·w·c]` (NHWC order, as Keras).
public struct Flatten: Layer {
    public init() {}
    public var spec: LayerSpec { .flatten }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { [Tensor.elementCount(inputShape)] }
    public func forward(_ input: Tensor) -> Tensor {
        input.reshaped([input.shape[0], Tensor.elementCount(Array(input.shape.dropFirst()))])
    }
}

/// Randomly zeroes activations during training; the identity at inference.
public struct Dropout: Layer {
    public let rate: Float
    public init(rate: Float) throws(ModelError) {
        guard rate >= 0, rate < 1 else { throw .invalidParameter("Dropout rate must be in [0, 1), got \(rate)") }
        self.rate = rate
    }
    public var spec: LayerSpec { .dropout(rate: rate) }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { inputShape }
    public func forward(_ input: Tensor) -> Tensor { input }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
