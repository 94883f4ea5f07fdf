#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
/// Probabilities over the last dimension: `exp(x - max) / sum(exp(x - max))`.
public struct Softmax: Layer {
    public init() {}
    public var spec: LayerSpec { .softmax }
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] { try spec.outputShape(for: inputShape) }

    /// The input shape, when it has a last dimension to normalise over.
    package static func outputShape(input: [Int]) throws(ModelError) -> [Int] {
        guard let last = input.last, last > 0 else { throw .shapeMismatch("Softmax needs at least one dimension") }
        return input
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
