import DigittyEngine
/// A sequential model being trained: its layers with backward passes, every parameter in one flat buffer
/// with its gradient and optimizer state beside it, and activations preallocated for batches of up to
/// `maxBatch` images, so a training step allocates nothing.
///
/// Not thread-safe: one training loop owns it (it spreads each step over all cores itself).
/// `makeModel(provenance:)` produces the immutable `SequentialModel` for saving and inference.
public final class TrainableModel {
    public let name: String
    public let input: InputSpec
    public let specs: [LayerSpec]
    public let maxBatch: Int
    /// The seed of initial weights and dropout masks.
    public let seed: UInt64
    let layers: [any TrainableLayer]
    /// Where each layer's tensors live in `parameters`: `layers.<index>.<name>` → range and shape.
    let layout: [(name: String, shape: [Int], range: Range<Int>)]
    let parameters: FloatBuffer
    let gradients: FloatBuffer
    let trainableRanges: [Range<Int>]
    /// The trainable ranges the optimizer updates after the backward pass: all but the Dense weights, which
    /// their layers update as they go (`TrainableDense.backward(…updatingWeightWith:)`).
    private let rangesUpdatedAfterBackward: [Range<Int>]
    /// `activations[i]` is the input of layer `i`; the last is the output. Gradients alike.
    let activations: [FloatBuffer]
    let activationGradients: [FloatBuffer]
    /// Whether layer `i` runs in place (its output buffers are its input's).
    private let runsInPlace: [Bool]
    let labels: UnsafeMutablePointer<Int32>
    var optimizer: Optimizer

    /// Builds the layers of `specs` for `input` with Keras' initialisation (Glorot-uniform kernels, zero
    /// biases, unit batch-norm scales) drawn from `seed`.
    public init(name: String, input: InputSpec = .mnist, specs: [LayerSpec], maxBatch: Int,
                optimizer: OptimizerKind = .adam(), seed: UInt64) throws(ModelError) {
        guard maxBatch > 0, maxBatch <= 1 << 16 else { throw .invalidParameter("batch size must be 1…65536, got \(maxBatch)") }
        guard !specs.isEmpty else { throw .invalidParameter("an architecture needs at least one layer") }
        var layers: [any TrainableLayer] = []
        var shape = input.sampleShape
        for (index, spec) in specs.enumerated() {
            do {
                let layer = try makeTrainableLayer(spec, inputShape: shape, maxBatch: maxBatch, index: index)
                shape = layer.outputShape
                layers.append(layer)
            } catch {
                throw .shapeMismatch("layer \(index) (\(spec.summary)): \(error)")
            }
        }
        guard let classes = shape.last, shape.count == 1, classes > 1 else {
            throw .shapeMismatch("the last layer must give one score per class, got \(shape)")
        }
        var layout: [(name: String, shape: [Int], range: Range<Int>)] = []
        var trainable: [Range<Int>] = []
        var total = 0
        for (index, layer) in layers.enumerated() {
            for parameter in layer.parameterSpecs {
                let range = total..<total + parameter.count
                layout.append(("layers.\(index).\(parameter.name)", parameter.shape, range))
                if parameter.trainable { trainable.append(range) }
                total += parameter.count
            }
        }
        self.name = name
        self.input = input
        self.specs = specs
        self.maxBatch = maxBatch
        self.seed = seed
        self.layers = layers
        self.layout = layout
        trainableRanges = trainable
        let denseWeights = Set(layers.indices.filter { layers[$0] is TrainableDense }.map { "layers.\($0).weight" })
        let updatedByLayers = Set(layout.filter { denseWeights.contains($0.name) }.map(\.range.lowerBound))
        rangesUpdatedAfterBackward = trainable.filter { !updatedByLayers.contains($0.lowerBound) }
        parameters = .allocate(total)
        gradients = .allocate(total)
        // In-place layers share their input's buffers, except on the model's input (which stays as filled) and
        // after a layer whose backward pass reads its own output. Fusion is as the engine's (`LayerFusion`): a
        // ReLU after Conv2D or Dense is computed by that layer's forward pass, and a max pool after it applies
        // the ReLU's derivative, so the ReLU has nothing to do either way.
        for fusion in LayerFusion.steps(specs) where fusion.relu {
            let (head, relu) = (layers[fusion.head], layers[fusion.head + 1])
            (head as? any RectifyingTrainableLayer)?.rectifiesOutput = true
            (relu as? TrainableActivation)?.inputIsRectified = true
            if fusion.maxPool, let pool = layers[fusion.head + 2] as? TrainablePool {
                pool.appliesReLUDerivative = true
                (relu as? TrainableActivation)?.derivativeAppliedByNextLayer = true
            }
        }
        var activations = [FloatBuffer.allocate(maxBatch * Tensor.elementCount(input.sampleShape))]
        var activationGradients = [FloatBuffer.empty]
        var inPlace: [Bool] = []
        for (index, layer) in layers.enumerated() {
            let previous = index > 0 ? layers[index - 1] : nil
            let shares = layer is any InPlaceTrainableLayer && previous != nil
                && (layer is TrainableFlatten || previous is any RectifyingTrainableLayer)
            inPlace.append(shares)
            if shares {
                activations.append(activations[index])
                activationGradients.append(activationGradients[index])
            } else {
                activations.append(FloatBuffer.allocate(maxBatch * layer.outputSize))
                activationGradients.append(FloatBuffer.allocate(maxBatch * layer.outputSize))
            }
        }
        self.activations = activations
        self.activationGradients = activationGradients
        runsInPlace = inPlace
        labels = .allocate(capacity: maxBatch)
        labels.initialize(repeating: 0, count: maxBatch)
        self.optimizer = Optimizer(kind: optimizer, count: total)
        var generator = SeededRandom(seed: seed, stream: 0, purpose: 1)
        var offset = 0
        for (index, layer) in layers.enumerated() {
            let specs = layer.parameterSpecs
            let size = specs.reduce(0) { $0 + $1.count }
            for parameter in specs {
                let target = parameters.base + offset
                switch parameter.initial {
                case .zeros: target.update(repeating: 0, count: parameter.count)
                case .ones: target.update(repeating: 1, count: parameter.count)
                case let .glorotUniform(fanIn, fanOut):
                    let limit = (6 / Float(fanIn + fanOut)).squareRoot()
                    for element in 0..<parameter.count { target[element] = (generator.nextUnit() * 2 - 1) * limit }
                }
                offset += parameter.count
            }
            layer.bind(parameters: parameters.slice(offset - size, size), gradients: gradients.slice(offset - size, size))
            _ = index
        }
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        activations[0].deallocate()
        for (index, shares) in runsInPlace.enumerated() where !shares {
            activations[index + 1].deallocate()
            activationGradients[index + 1].deallocate()
        }
        labels.deallocate()
        optimizer.deallocate()
    }

    /// The number of classes the model scores.
    public var classes: Int { layers.last?.outputSize ?? 0 }
    /// The number of scalars in one input sample.
    public var sampleSize: Int { Tensor.elementCount(input.sampleShape) }
    /// The number of learned scalars (batch-norm running statistics included, as in the saved model).
    public var parameterCount: Int { parameters.count }

    /// Whether batch-norm layers keep their running statistics while training (normalising with them and
    /// not updating them), as fine-tuning a trained model wants; false (the default) for training from scratch.
    public var batchNormStatisticsFrozen: Bool {
        get { layers.contains { ($0 as? TrainableBatchNorm)?.statisticsFrozen == true } }
        set { for case let norm as TrainableBatchNorm in layers { norm.statisticsFrozen = newValue } }
    }
    /// Optimizer steps taken so far.
    public var steps: Int { optimizer.steps }

    /// Whether the last layer is a softmax, folded into the loss during training.
    private var endsInSoftmax: Bool { specs.last == .softmax }

    /// The layers a training pass runs (all but a final softmax).
    private var trainingDepth: Int { endsInSoftmax ? layers.count - 1 : layers.count }

    /// One optimizer step on `batch` samples. `fill` writes the scaled input samples (`batch × sampleSize`
    /// floats) into the given buffer; `labels` are the classes. Returns the batch's summed loss and the number
    /// of correct predictions (before the update).
    public func trainStep(batch: Int, labels: [Int], learningRate: Double,
                          fill: (UnsafeMutablePointer<Float>) -> Void) -> (loss: Double, correct: Int) {
        precondition(batch > 0 && batch <= maxBatch && labels.count == batch, "batch must be 1…maxBatch with one label each")
        fill(activations[0].base)
        for (index, label) in labels.enumerated() { self.labels[index] = Int32(clamping: label) }
        let depth = trainingDepth
        let mode = ForwardMode.training(step: optimizer.steps, seed: seed)
        for index in 0..<depth {
            layers[index].forward(activations[index], into: activations[index + 1], batch: batch, mode: mode)
        }
        let result = SoftmaxCrossEntropy.evaluate(
            logits: activations[depth].base, labels: self.labels, batch: batch, classes: classes,
            gradient: activationGradients[depth].base)
        let update = optimizer.beginStep(parameters: parameters, rate: learningRate)
        for index in stride(from: depth - 1, through: 0, by: -1) {
            let inputGradient = index == 0 ? nil : activationGradients[index]
            if let dense = layers[index] as? TrainableDense {
                dense.backward(input: activations[index], outputGradient: activationGradients[index + 1],
                               inputGradient: inputGradient, batch: batch, updatingWeightWith: update)
            } else {
                layers[index].backward(input: activations[index], output: activations[index + 1],
                                       outputGradient: activationGradients[index + 1], inputGradient: inputGradient,
                                       batch: batch)
            }
        }
        update.apply(rangesUpdatedAfterBackward, gradients: gradients)
        return result
    }

    /// Computes the gradient of the mean loss for one batch without updating anything (for tests).
    func lossAndGradients(inputs: [Float], labels: [Int], step: Int = 0) -> Double {
        let batch = labels.count
        inputs.withUnsafeBufferPointer { activations[0].base.update(from: $0.baseAddress!, count: inputs.count) }
        for (index, label) in labels.enumerated() { self.labels[index] = Int32(label) }
        let depth = trainingDepth
        for index in 0..<depth {
            layers[index].forward(activations[index], into: activations[index + 1], batch: batch,
                                  mode: .training(step: step, seed: seed))
        }
        let result = SoftmaxCrossEntropy.evaluate(
            logits: activations[depth].base, labels: self.labels, batch: batch, classes: classes,
            gradient: activationGradients[depth].base)
        for index in stride(from: depth - 1, through: 0, by: -1) {
            layers[index].backward(input: activations[index], output: activations[index + 1],
                                   outputGradient: activationGradients[index + 1],
                                   inputGradient: index == 0 ? nil : activationGradients[index], batch: batch)
        }
        return result.loss / Double(batch)
    }

    /// Class scores (logits) for `batch` samples written by `fill`, at inference (dropout off, running
    /// batch-norm statistics); `body` receives them (`batch × classes`) before the buffers are reused.
    public func infer<Result>(batch: Int, fill: (UnsafeMutablePointer<Float>) -> Void,
                              _ body: (UnsafeBufferPointer<Float>) -> Result) -> Result {
        precondition(batch > 0 && batch <= maxBatch, "batch must be 1…maxBatch")
        fill(activations[0].base)
        let depth = trainingDepth
        for index in 0..<depth {
            layers[index].forward(activations[index], into: activations[index + 1], batch: batch, mode: .inference)
        }
        return body(UnsafeBufferPointer(start: activations[depth].base, count: batch * classes))
    }

    /// Every parameter, flat, in layer order (batch-norm running statistics included).
    public var parameterValues: [Float] {
        get { parameters.array }
        set {
            precondition(newValue.count == parameters.count, "expected \(parameters.count) parameters")
            parameters.copy(from: newValue)
        }
    }

    /// The optimizer's state: its step count and moments (or velocities), flat.
    public var optimizerState: (steps: Int, values: [Float]) {
        get { (optimizer.steps, optimizer.state.array) }
        set {
            precondition(newValue.values.count == optimizer.state.count, "optimizer state does not fit the model")
            optimizer.state.copy(from: newValue.values)
            optimizer.steps = newValue.steps
        }
    }

    /// Copies the weights of a model with the same architecture (e.g. to continue training it).
    public func load(weightsOf model: SequentialModel) throws(ModelError) {
        guard model.specs.map(\.normalized) == specs.map(\.normalized) else { throw .shapeMismatch("the model's architecture differs from this one") }
        let weights = Dictionary(model.namedWeights.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        for entry in layout {
            guard let tensor = weights[entry.name], tensor.count == entry.range.count else { throw .missingWeight(entry.name) }
            tensor.scalars.withUnsafeBufferPointer {
                (parameters.base + entry.range.lowerBound).update(from: $0.baseAddress!, count: entry.range.count)
            }
        }
    }

    /// The immutable inference model with the current weights (or `values`, a flat parameter vector).
    public func makeModel(name: String? = nil, provenance: ModelProvenance = ModelProvenance(),
                          values: [Float]? = nil) throws(ModelError) -> SequentialModel {
        let values = values ?? parameterValues
        guard values.count == parameters.count else { throw .badInput("expected \(parameters.count) parameter values") }
        var tensors: [String: Tensor] = [:]
        for entry in layout {
            tensors[entry.name] = Tensor(shape: entry.shape, scalars: Array(values[entry.range]))
        }
        return try SequentialModel(name: name ?? self.name, input: input, specs: specs, provenance: provenance) {
            tensors[$0]
        }
    }
}
