/// One step of a sequential model: a pure function of its input with fixed parameters.
///
/// Inputs and outputs are batched: `[batch] + sampleShape`, images in NHWC (see `Tensor`).
public protocol Layer: Sendable {
    /// What the layer is, without its weights (this is what a model file records as architecture).
    var spec: LayerSpec { get }
    /// The learned tensors by name (e.g. `weight`, `bias`), in a fixed order; empty for parameter-free layers.
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// The shape of one output sample for one input sample of `inputShape`, or why the input does not fit.
    func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int]
    /// Runs the layer on a batch.
    func forward(_ input: Tensor) -> Tensor
}

extension Layer {
    public var parameters: [(name: String, tensor: Tensor)] { [] }
    /// The number of learned scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.tensor.count } }
}

/// Padding of a sliding window: `valid` uses only whole windows, `same` pads so that the output is
/// `ceil(input / stride)` (extra padding at the bottom/right, as Keras and ONNX `SAME_UPPER`).
public enum Padding: String, Codable, Sendable {
    case valid
    case same

    /// Output length and leading padding for a window of `size` moving by `stride` over `length`.
    package func geometry(length: Int, size: Int, stride: Int) -> (output: Int, padBefore: Int) {
        switch self {
        case .valid:
            return (length >= size ? (length - size) / stride + 1 : 0, 0)
        case .same:
            let output = (length + stride - 1) / stride
            let total = max(0, (output - 1) * stride + size - length)
            return (output, total / 2)
        }
    }
}

/// Checks that a sample shape is an image `[height, width, channels]`.
package func imageShape(_ shape: [Int], for layer: String) throws(ModelError) -> (height: Int, width: Int, channels: Int) {
    guard shape.count == 3 else {
        throw .shapeMismatch("\(layer) needs an image input [height, width, channels], got \(shape)")
    }
    return (shape[0], shape[1], shape[2])
}
