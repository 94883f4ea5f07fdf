import DigittyEngine
/// Dense for training: `Y = X·W + b`; gradients `dW = Xᵀ·dY`, `db = Σ dY`, `dX = dY·Wᵀ`. Each product is
/// split across cores by output columns or weight rows, so no partial sums need combining.
final class TrainableDense: RectifyingTrainableLayer {
    let spec: LayerSpec
    var rectifiesOutput = false
    let inputShape: [Int]
    let outputShape: [Int]
    let inputs, units: Int
    private var weight = FloatBuffer.empty
    private var bias = FloatBuffer.empty
    private var weightGradient = FloatBuffer.empty
    private var biasGradient = FloatBuffer.empty

    init(units: Int, inputShape: [Int]) {
        spec = .dense(units: units)
        self.inputShape = inputShape
        outputShape = [units]
        inputs = inputShape[0]
        self.units = units
    }

    var parameterSpecs: [ParameterSpec] {
        [ParameterSpec(name: "weight", shape: [inputs, units], initial: .glorotUniform(fanIn: inputs, fanOut: units),
                       trainable: true),
         ParameterSpec(name: "bias", shape: [units], initial: .zeros, trainable: true)]
    }

    func bind(parameters: FloatBuffer, gradients: FloatBuffer) {
        weight = parameters.slice(0, inputs * units)
        bias = parameters.slice(inputs * units, units)
        weightGradient = gradients.slice(0, inputs * units)
        biasGradient = gradients.slice(inputs * units, units)
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let (inputs, units, weight, bias, rectifies) = (self.inputs, self.units, self.weight, self.bias, rectifiesOutput)
        // Split by 64-wide column panels: each core streams its own part of the weight once.
        let chunks = min(FixedChunks.spread, max(1, units / 64))
        FixedChunks.run(items: units, chunks: chunks, work: batch * inputs * units, alignment: 64) { _, columns in
            let first = columns.lowerBound
            StridedMatrixMultiply.multiply(
                m: batch, n: columns.count, k: inputs, input.base, lda: inputs, weight.base + first, ldb: units,
                into: output.base + first, ldc: units, bias: bias.base + first)
            if rectifies {
                for sample in 0..<batch { rectify(output.base + sample * units + first, count: columns.count) }
            }
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        let (inputs, units, weight, weightGradient) = (self.inputs, self.units, self.weight, self.weightGradient)
        let work = batch * inputs * units
        FixedChunks.run(items: inputs, chunks: FixedChunks.spread, work: work, alignment: 8) { _, rows in
            StridedMatrixMultiply.multiplyTransposedA(
                m: batch, n: units, k: rows.count, input.base + rows.lowerBound, lda: inputs,
                outputGradient.base, ldb: units, into: weightGradient.base + rows.lowerBound * units, ldc: units)
        }
        computeBiasGradient(outputGradient, batch: batch)
        guard let inputGradient else { return }
        FixedChunks.run(items: inputs, chunks: FixedChunks.spread, work: work, alignment: 4) { _, columns in
            StridedMatrixMultiply.multiplyTransposedB(
                m: batch, n: columns.count, k: units, outputGradient.base, lda: units,
                weight.base + columns.lowerBound * units, ldb: units,
                into: inputGradient.base + columns.lowerBound, ldc: inputs)
        }
    }

    /// The backward pass with this step's `update` applied to the weight as its gradient is computed, a few
    /// rows at a time: each weight row is read once for the input gradient and updated while still in cache,
    /// and the weight gradient never goes to memory (the gradient buffer keeps only the bias's). The results
    /// are bit for bit those of `backward` followed by the update.
    func backward(input: FloatBuffer, outputGradient: FloatBuffer, inputGradient: FloatBuffer?, batch: Int,
                  updatingWeightWith update: ParameterUpdate) {
        let (inputs, units, weight) = (self.inputs, self.units, self.weight)
        let block = 4
        FixedChunks.run(items: inputs, chunks: FixedChunks.spread, work: batch * inputs * units, alignment: 8) { _, rows in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: block * units) { rowGradients in
                let rowGradients = rowGradients.baseAddress!
                var row = rows.lowerBound
                while row < rows.upperBound {
                    let count = min(block, rows.upperBound - row)
                    let weightRows = weight.base + row * units
                    // The input gradient reads these rows before they change.
                    if let inputGradient {
                        StridedMatrixMultiply.multiplyTransposedB(
                            m: batch, n: count, k: units, outputGradient.base, lda: units, weightRows, ldb: units,
                            into: inputGradient.base + row, ldc: inputs)
                    }
                    StridedMatrixMultiply.multiplyTransposedA(
                        m: batch, n: units, k: count, input.base + row, lda: inputs, outputGradient.base, ldb: units,
                        into: rowGradients, ldc: units)
                    update.apply(weightRows, count: count * units, gradient: rowGradients)
                    row += count
                }
            }
        }
        computeBiasGradient(outputGradient, batch: batch)
    }

    private func computeBiasGradient(_ outputGradient: FloatBuffer, batch: Int) {
        biasGradient.zero()
        for sample in 0..<batch {
            let source = outputGradient.base + sample * units
            for unit in 0..<units { biasGradient.base[unit] += source[unit] }
        }
    }
}
