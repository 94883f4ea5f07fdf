import DigittyEngine
/// Dropout for training: each activation is kept with probability `1 − rate` and scaled by `1 / (1 − rate)`
/// (as Keras), so inference is the identity. Masks are a hash of the seed, layer, step and position, so
/// they are reproducible, independent of threading, and the same after resuming.
final class TrainableDropout: TrainableLayer {
    let rate: Float
    let inputShape: [Int]
    var outputShape: [Int] { inputShape }
    let layerIndex: Int
    private let mask: FloatBuffer

    init(rate: Float, shape: [Int], maxBatch: Int, layerIndex: Int) {
        self.rate = rate
        inputShape = shape
        self.layerIndex = layerIndex
        mask = .allocate(maxBatch * Tensor.elementCount(shape))
    }

    deinit { mask.deallocate() }

    var spec: LayerSpec { .dropout(rate: rate) }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let count = batch * inputSize
        guard case let .training(step, seed) = mode, rate > 0 else {
            output.base.update(from: input.base, count: count)
            mask.base.update(repeating: 1, count: count)
            return
        }
        let keep = 1 / (1 - rate)
        let threshold = UInt64(Double(rate) * 0x1p64.nextDown)
        let base = SeededRandom.mix(seed ^ SeededRandom.mix(UInt64(layerIndex) << 40 ^ UInt64(step)))
        for index in 0..<count {
            let scale: Float = SeededRandom.mix(base &+ UInt64(index)) < threshold ? 0 : keep
            mask.base[index] = scale
            output.base[index] = input.base[index] * scale
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient else { return }
        for index in 0..<batch * inputSize {
            inputGradient.base[index] = outputGradient.base[index] * mask.base[index]
        }
    }
}
