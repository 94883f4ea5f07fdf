import DigittyEngine
/// GlobalAveragePool for training: each channel's gradient is shared equally by all pixels.
final class TrainableGlobalAveragePool: TrainableLayer {
    let spec = LayerSpec.globalAveragePool
    let inputShape: [Int]
    let outputShape: [Int]
    let pixels, channels: Int

    init(inputShape: [Int]) {
        self.inputShape = inputShape
        outputShape = [inputShape[2]]
        pixels = inputShape[0] * inputShape[1]
        channels = inputShape[2]
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let scale = 1 / Float(pixels)
        for sample in 0..<batch {
            let target = output.base + sample * channels
            target.update(repeating: 0, count: channels)
            for pixel in 0..<pixels {
                let source = input.base + (sample * pixels + pixel) * channels
                for channel in 0..<channels { target[channel] += source[channel] }
            }
            for channel in 0..<channels { target[channel] *= scale }
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient else { return }
        let scale = 1 / Float(pixels)
        for sample in 0..<batch {
            let source = outputGradient.base + sample * channels
            for pixel in 0..<pixels {
                let target = inputGradient.base + (sample * pixels + pixel) * channels
                for channel in 0..<channels { target[channel] = source[channel] * scale }
            }
        }
    }
}
