import DigittyEngine
/// A trained model given one more output class (e.g. "not a digit" after ten digits) to fine-tune from: the last
/// dense layer gains a column of zero weights and a zero bias, so the old classes' outputs are unchanged (the
/// new class starts at exp(0) against the old logits) and training grows the new one from there.
extension SequentialModel {
    /// The architecture with `classes` more units in its last dense layer.
    public static func widening(_ specs: [LayerSpec], by classes: Int = 1) -> [LayerSpec] {
        guard let last = specs.lastIndex(where: { if case .dense = $0 { true } else { false } }),
              case let .dense(units) = specs[last] else { return specs }
        var widened = specs
        widened[last] = .dense(units: units + classes)
        return widened
    }

    /// This model with `classes` more outputs, the new ones' weights and biases zero; calibration reset.
    public func widened(by classes: Int = 1) throws(ModelError) -> SequentialModel {
        guard classes >= 1 else { throw .invalidParameter("a model is widened by at least one class") }
        guard let last = specs.lastIndex(where: { if case .dense = $0 { true } else { false } }) else {
            throw .invalidParameter("model '\(name)' has no dense layer to widen")
        }
        let weights = Dictionary(namedWeights.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        let kernelName = "layers.\(last).weight", biasName = "layers.\(last).bias"
        guard let kernel = weights[kernelName], kernel.rank == 2, let bias = weights[biasName] else {
            throw .missingWeight(kernelName)
        }
        let (inputs, units) = (kernel.shape[0], kernel.shape[1])
        var wideKernel = [Float](repeating: 0, count: inputs * (units + classes))
        for row in 0 ..< inputs {
            for column in 0 ..< units { wideKernel[row * (units + classes) + column] = kernel.scalars[row * units + column] }
        }
        var widened = weights
        widened[kernelName] = Tensor(shape: [inputs, units + classes], scalars: wideKernel)
        widened[biasName] = Tensor(shape: [units + classes], scalars: bias.scalars + [Float](repeating: 0, count: classes))
        return try SequentialModel(name: name, input: input, specs: Self.widening(specs, by: classes),
                                   provenance: provenance) { widened[$0] }
    }
}
