import DigittyEngine
/// One learned tensor of a trainable layer: its name in model files (`weight`, `bias`, `gamma`, …), shape,
/// how it starts, and whether the optimizer changes it (batch-norm running statistics are not trained).
struct ParameterSpec: Sendable {
    enum Initial: Sendable { case zeros, ones, glorotUniform(fanIn: Int, fanOut: Int) }
    let name: String
    let shape: [Int]
    let initial: Initial
    let trainable: Bool
    var count: Int { Tensor.elementCount(shape) }
}

/// How a forward pass runs: for training (dropout active, batch statistics) or for inference.
enum ForwardMode: Sendable {
    /// `step` counts optimizer steps from the start of training; it seeds dropout masks with `seed`.
    case training(step: Int, seed: UInt64)
    case inference
}

/// A layer with a backward pass. It owns its workspaces, sized for `maxBatch` samples at creation; its
/// parameters and their gradients live in the model's flat buffers and are handed over by `bind`.
///
/// Activations are `[batch] + shape` in NHWC order, as everywhere in the engine.
protocol TrainableLayer: AnyObject {
    var spec: LayerSpec { get }
    var inputShape: [Int] { get }
    var outputShape: [Int] { get }
    /// The layer's learned tensors, in the order the inference layer lists them.
    var parameterSpecs: [ParameterSpec] { get }
    /// Receives the layer's part of the model's parameter and gradient buffers (the specs' tensors one after another).
    func bind(parameters: FloatBuffer, gradients: FloatBuffer)
    /// Computes `output` from `input` for `batch` samples.
    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode)
    /// Writes this batch's parameter gradients (summed over the batch) into the gradient buffer and, when `inputGradient` is given,
    /// writes the loss gradient with respect to the input. `input` and `output` are from the last forward pass.
    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int)
}

/// A layer whose output may share its input's memory (and its input gradient its output gradient's), so the
/// model gives it no buffers of its own.
protocol InPlaceTrainableLayer: TrainableLayer {}

/// A layer that can rectify its own output as it writes it, so that a ReLU right after it has nothing left to
/// do forwards. Its backward pass must not read its output (the ReLU overwrites nothing, but shares it).
protocol RectifyingTrainableLayer: TrainableLayer {
    var rectifiesOutput: Bool { get set }
}

extension TrainableLayer {
    var parameterSpecs: [ParameterSpec] { [] }
    func bind(parameters: FloatBuffer, gradients: FloatBuffer) {}
    var inputSize: Int { Tensor.elementCount(inputShape) }
    var outputSize: Int { Tensor.elementCount(outputShape) }
}

/// Builds the trainable form of one layer of an architecture, after the engine's check of the description
/// against its input (`LayerSpec.outputShape(for:)`), so the two never disagree on what is valid.
func makeTrainableLayer(_ spec: LayerSpec, inputShape: [Int], maxBatch: Int,
                        index: Int) throws(ModelError) -> any TrainableLayer {
    let outputShape = try spec.outputShape(for: inputShape)
    switch spec {
    case let .conv2D(filters, kernelSize, stride, padding):
        return TrainableConv2D(filters: filters, kernelSize: kernelSize, stride: stride, padding: padding,
                               inputShape: inputShape, maxBatch: maxBatch)
    case let .dense(units):
        return TrainableDense(units: units, inputShape: inputShape)
    case let .maxPool2D(size, stride, padding):
        return TrainablePool(kind: .max, size: size, stride: stride ?? size, padding: padding,
                             inputShape: inputShape, outputShape: outputShape, maxBatch: maxBatch)
    case let .averagePool2D(size, stride, padding):
        return TrainablePool(kind: .average, size: size, stride: stride ?? size, padding: padding,
                             inputShape: inputShape, outputShape: outputShape, maxBatch: maxBatch)
    case .globalAveragePool:
        return TrainableGlobalAveragePool(inputShape: inputShape)
    case .relu:
        return TrainableActivation(kind: .relu, shape: inputShape)
    case let .leakyReLU(alpha):
        return TrainableActivation(kind: .leaky(alpha), shape: inputShape)
    case .softmax:
        return TrainableSoftmax(shape: inputShape)
    case .flatten:
        return TrainableFlatten(inputShape: inputShape, outputShape: outputShape)
    case let .dropout(rate):
        return TrainableDropout(rate: rate, shape: inputShape, maxBatch: maxBatch, layerIndex: index)
    case let .batchNorm(epsilon):
        return TrainableBatchNorm(epsilon: epsilon, shape: inputShape, maxBatch: maxBatch)
    }
}
