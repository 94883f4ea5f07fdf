import DigittyEngine
/// BatchNorm for training, over the last dimension (channels). In training the batch's own mean and (biased)
/// variance normalise it and the running statistics move towards them with Keras' momentum (0.99); at
/// inference the running statistics are used, as in the engine's `BatchNorm`. With `statisticsFrozen` (for
/// fine-tuning, as Keras' BatchNormalization with `trainable = False`), training normalises with the running
/// statistics too and leaves them as they are; only gamma and beta learn.
final class TrainableBatchNorm: TrainableLayer {
    static let momentum: Float = 0.99
    var statisticsFrozen = false
    let epsilon: Float
    let inputShape: [Int]
    var outputShape: [Int] { inputShape }
    let channels: Int
    private var gamma = FloatBuffer.empty, beta = FloatBuffer.empty
    private var runningMean = FloatBuffer.empty, runningVariance = FloatBuffer.empty
    private var gammaGradient = FloatBuffer.empty, betaGradient = FloatBuffer.empty
    /// The normalised input of the last training pass, and `1 / sqrt(variance + epsilon)` per channel.
    private let normalized: FloatBuffer
    private let inverseDeviation: FloatBuffer
    private let mean: FloatBuffer
    private let partials: FloatBuffer

    init(epsilon: Float, shape: [Int], maxBatch: Int) {
        self.epsilon = epsilon
        inputShape = shape
        channels = shape[shape.count - 1]
        normalized = .allocate(maxBatch * Tensor.elementCount(shape))
        inverseDeviation = .allocate(channels)
        mean = .allocate(channels)
        partials = .allocate(FixedChunks.reductionChunks * 2 * channels)
    }

    deinit {
        normalized.deallocate()
        inverseDeviation.deallocate()
        mean.deallocate()
        partials.deallocate()
    }

    var spec: LayerSpec { .batchNorm(epsilon: epsilon) }

    var parameterSpecs: [ParameterSpec] {
        [ParameterSpec(name: "gamma", shape: [channels], initial: .ones, trainable: true),
         ParameterSpec(name: "beta", shape: [channels], initial: .zeros, trainable: true),
         ParameterSpec(name: "mean", shape: [channels], initial: .zeros, trainable: false),
         ParameterSpec(name: "variance", shape: [channels], initial: .ones, trainable: false)]
    }

    func bind(parameters: FloatBuffer, gradients: FloatBuffer) {
        (gamma, beta) = (parameters.slice(0, channels), parameters.slice(channels, channels))
        (runningMean, runningVariance) = (parameters.slice(2 * channels, channels), parameters.slice(3 * channels, channels))
        (gammaGradient, betaGradient) = (gradients.slice(0, channels), gradients.slice(channels, channels))
    }

    /// Per-channel sums of `first` (and of `first · second` when `second` is given) over `rows` rows,
    /// in fixed chunks added in order; the results go to `sums[0..<channels]` and `sums[channels...]`.
    private func channelSums(rows: Int, first: FloatBuffer, second: FloatBuffer?, centre: FloatBuffer?,
                             into sums: UnsafeMutablePointer<Float>) {
        let (channels, partials) = (self.channels, self.partials)
        let chunks = min(FixedChunks.reductionChunks, rows)
        FixedChunks.run(items: rows, chunks: chunks, work: rows * channels * 4) { chunk, range in
            let sum = partials.base + chunk * 2 * channels, product = sum + channels
            sum.update(repeating: 0, count: 2 * channels)
            for row in range {
                let x = first.base + row * channels
                if let centre {
                    // Sum of squared deviations from `centre` (the mean).
                    for channel in 0..<channels {
                        let deviation = x[channel] - centre.base[channel]
                        sum[channel] += deviation * deviation
                    }
                } else {
                    for channel in 0..<channels { sum[channel] += x[channel] }
                }
                if let second {
                    let y = second.base + row * channels
                    for channel in 0..<channels { product[channel] += x[channel] * y[channel] }
                }
            }
        }
        FixedChunks.reduce(partials, parts: chunks, length: 2 * channels, into: sums)
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let rows = batch * inputSize / channels, channels = self.channels
        let (gamma, beta) = (self.gamma, self.beta)
        guard case .training = mode else {
            // The engine's inference pass, on the engine's numbers: a trained model answers here as once saved.
            let folded = (0..<channels).map {
                BatchNorm.scaleAndShift(gamma: gamma.base[$0], beta: beta.base[$0], mean: runningMean.base[$0],
                                        variance: runningVariance.base[$0], epsilon: epsilon)
            }
            BatchNorm.normalize(input.base, into: output.base, rows: rows, channels: channels,
                                scale: folded.map(\.scale), shift: folded.map(\.shift))
            return
        }
        if statisticsFrozen {
            // y = gamma · x̂ + beta with x̂ from the running statistics; the backward pass then sees constants.
            for channel in 0..<channels {
                mean.base[channel] = runningMean.base[channel]
                inverseDeviation.base[channel] = 1 / (runningVariance.base[channel] + epsilon).squareRoot()
            }
            normalize(input, into: output, rows: rows)
            return
        }
        var sums = [Float](repeating: 0, count: 2 * channels)
        sums.withUnsafeMutableBufferPointer { sums in
            channelSums(rows: rows, first: input, second: nil, centre: nil, into: sums.baseAddress!)
        }
        let mean = self.mean
        for channel in 0..<channels { mean.base[channel] = sums[channel] / Float(rows) }
        sums.withUnsafeMutableBufferPointer { sums in
            channelSums(rows: rows, first: input, second: nil, centre: mean, into: sums.baseAddress!)
        }
        let momentum = TrainableBatchNorm.momentum
        for channel in 0..<channels {
            let variance = sums[channel] / Float(rows)
            inverseDeviation.base[channel] = 1 / (variance + epsilon).squareRoot()
            runningMean.base[channel] = runningMean.base[channel] * momentum + mean.base[channel] * (1 - momentum)
            runningVariance.base[channel] = runningVariance.base[channel] * momentum + variance * (1 - momentum)
        }
        normalize(input, into: output, rows: rows)
    }

    /// `x̂ = (x − mean) · inverseDeviation` into `normalized`, and `gamma · x̂ + beta` into `output`.
    private func normalize(_ input: FloatBuffer, into output: FloatBuffer, rows: Int) {
        let (normalized, inverseDeviation, mean, channels) = (self.normalized, self.inverseDeviation, self.mean, self.channels)
        let (gamma, beta) = (self.gamma, self.beta)
        FixedChunks.run(items: rows, chunks: FixedChunks.spread, work: rows * channels * 4) { _, range in
            for row in range {
                for channel in 0..<channels {
                    let index = row * channels + channel
                    let value = (input.base[index] - mean.base[channel]) * inverseDeviation.base[channel]
                    normalized.base[index] = value
                    output.base[index] = value * gamma.base[channel] + beta.base[channel]
                }
            }
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        let rows = batch * inputSize / channels, channels = self.channels
        let normalized = self.normalized
        var sums = [Float](repeating: 0, count: 2 * channels)
        // sums[0..<channels] = Σ dy, sums[channels...] = Σ dy · x̂.
        sums.withUnsafeMutableBufferPointer { sums in
            channelSums(rows: rows, first: outputGradient, second: normalized, centre: nil, into: sums.baseAddress!)
        }
        for channel in 0..<channels {
            gammaGradient.base[channel] = sums[channels + channel]
            betaGradient.base[channel] = sums[channel]
        }
        guard let inputGradient else { return }
        let (gamma, inverseDeviation) = (self.gamma, self.inverseDeviation)
        if statisticsFrozen {
            // The statistics are constants: dx = dy · gamma · inverseDeviation.
            for row in 0..<rows {
                for channel in 0..<channels {
                    let index = row * channels + channel
                    inputGradient.base[index] = outputGradient.base[index] * gamma.base[channel] * inverseDeviation.base[channel]
                }
            }
            return
        }
        let count = Float(rows)
        let (betaSums, gammaSums) = (Array(sums[0..<channels]), Array(sums[channels...]))
        FixedChunks.run(items: rows, chunks: FixedChunks.spread, work: rows * channels * 4) { _, range in
            for row in range {
                for channel in 0..<channels {
                    let index = row * channels + channel
                    let scale = gamma.base[channel] * inverseDeviation.base[channel] / count
                    inputGradient.base[index] = scale * (count * outputGradient.base[index] - betaSums[channel]
                        - normalized.base[index] * gammaSums[channel])
                }
            }
        }
    }
}
