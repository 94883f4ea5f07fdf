/// A stack of layers applied one after another: the architecture of every native digitty model.
///
/// Immutable once built, and safe to share across threads.
public struct SequentialModel: ImageClassifier {
    public let name: String
    public let input: InputSpec
    public let layers: [any Layer]
    public let provenance: ModelProvenance
    public let calibration: Calibration
    /// The per-sample shape after each layer (`shapes[0]` is the input, `shapes.last` the output).
    public let shapes: [[Int]]
    /// How the layers are run.
    let plan: InferencePlan

    /// Builds a model and checks that every layer accepts the previous layer's output.
    public init(name: String, input: InputSpec = .mnist, layers: [any Layer],
                provenance: ModelProvenance = ModelProvenance(),
                calibration: Calibration = Calibration()) throws(ModelError) {
        guard calibration.isValid else {
            throw .invalidParameter("calibration \(calibration) is out of range (temperature > 0, thresholds in 0…1)")
        }
        guard input.height > 0, input.width > 0,
              Tensor.elementCount(input.sampleShape) == input.height * input.width else {
            throw .shapeMismatch("input shape \(input.sampleShape) does not hold a \(input.height)×\(input.width) image")
        }
        var shapes = [input.sampleShape]
        for (index, layer) in layers.enumerated() {
            do {
                shapes.append(try layer.outputShape(for: shapes[index]))
            } catch {
                throw .shapeMismatch("layer \(index) (\(layer.spec.summary)): \(error)")
            }
        }
        self.name = name
        self.input = input
        self.layers = layers
        self.provenance = provenance
        self.calibration = calibration
        self.shapes = shapes
        plan = InferencePlan(layers: layers, inputShape: input.sampleShape)
    }

    /// Builds a model from its architecture and a lookup of weights named `layers.<index>.<parameter>`.
    public init(name: String, input: InputSpec = .mnist, specs: [LayerSpec],
                provenance: ModelProvenance = ModelProvenance(), calibration: Calibration = Calibration(),
                weight: (String) -> Tensor?) throws(ModelError) {
        var layers: [any Layer] = []
        var shape = input.sampleShape
        for (index, spec) in specs.enumerated() {
            let layer: any Layer
            do {
                layer = try spec.makeLayer { parameter throws(ModelError) in
                    let key = "layers.\(index).\(parameter)"
                    guard let tensor = weight(key) else { throw .missingWeight(key) }
                    return tensor
                }
                shape = try layer.outputShape(for: shape)
            } catch {
                throw .shapeMismatch("layer \(index) (\(spec.summary)): \(error)")
            }
            layers.append(layer)
        }
        try self.init(name: name, input: input, layers: layers, provenance: provenance, calibration: calibration)
    }

    /// The architecture, layer by layer.
    public var specs: [LayerSpec] { layers.map(\.spec) }

    /// Every weight tensor under the name a model file stores it as (`layers.<index>.<parameter>`).
    public var namedWeights: [(name: String, tensor: Tensor)] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { ("layers.\(index).\($0.name)", $0.tensor) }
        }
    }

    /// The number of learned scalars.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Runs the layers on a batch shaped `[batch] + input.sampleShape`, already scaled.
    public func forward(_ batch: Tensor) throws(ModelError) -> Tensor {
        guard Array(batch.shape.dropFirst()) == input.sampleShape, batch.rank >= 1 else {
            throw .badInput("expected [batch] + \(input.sampleShape), got \(batch.shape)")
        }
        return plan.run(batch, outputShape: shapes.last ?? [])
    }

    public func probabilities(for images: Tensor) throws(ModelError) -> Tensor {
        guard images.rank == 4, images.shape[1] == input.height, images.shape[2] == input.width,
              images.shape[3] == 1 else {
            throw .badInput("expected [batch, \(input.height), \(input.width), 1] pixels, got \(images.shape)")
        }
        var scalars = images.scalars
        input.scaling.apply(to: &scalars)
        var probabilities = try forward(Tensor(shape: [images.shape[0]] + input.sampleShape, scalars: scalars))
        if layers.last?.spec != .softmax {
            let width = probabilities.shape.last ?? 1
            probabilities.scalars.withUnsafeMutableBufferPointer { values in Softmax.normalize(values, width: width) }
        }
        try ModelError.checkFinite(probabilities)
        return probabilities
    }
}

extension LayerSpec {
    /// Creates the layer, taking its weights from `weight(parameterName)`.
    public func makeLayer(weight: (String) throws(ModelError) -> Tensor) throws(ModelError) -> any Layer {
        switch self {
        case let .conv2D(filters, kernelSize, stride, padding):
            guard filters > 0, kernelSize > 0 else {
                throw .invalidParameter("Conv2D filters and kernel size must be positive")
            }
            let layer = try Conv2D(weight: try weight("weight"), bias: try weight("bias"), stride: stride, padding: padding)
            guard layer.filters == filters, layer.kernelSize == kernelSize else {
                throw .shapeMismatch("weight \(layer.weight.shape) contradicts \(summary)")
            }
            return layer
        case let .maxPool2D(size, stride, padding):
            return try MaxPool2D(size: size, stride: stride, padding: padding)
        case let .averagePool2D(size, stride, padding):
            return try AveragePool2D(size: size, stride: stride, padding: padding)
        case .globalAveragePool:
            return GlobalAveragePool()
        case let .dense(units):
            let layer = try Dense(weight: try weight("weight"), bias: try weight("bias"))
            guard layer.units == units else { throw .shapeMismatch("weight \(layer.weight.shape) contradicts \(summary)") }
            return layer
        case .relu: return ReLU()
        case let .leakyReLU(alpha): return LeakyReLU(alpha: alpha)
        case .softmax: return Softmax()
        case .flatten: return Flatten()
        case let .dropout(rate): return try Dropout(rate: rate)
        case let .batchNorm(epsilon):
            return try BatchNorm(gamma: try weight("gamma"), beta: try weight("beta"), mean: try weight("mean"),
                                 variance: try weight("variance"), epsilon: epsilon)
        }
    }
}
