import DigittyEngine
/// Flatten for training: the same values under a vector shape, forwards and backwards (nothing to do when
/// the model runs it in place).
final class TrainableFlatten: InPlaceTrainableLayer {
    let spec = LayerSpec.flatten
    let inputShape: [Int]
    let outputShape: [Int]

    init(inputShape: [Int], outputShape: [Int]) {
        self.inputShape = inputShape
        self.outputShape = outputShape
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        if output.base != input.base { output.base.update(from: input.base, count: batch * inputSize) }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient, inputGradient.base != outputGradient.base else { return }
        inputGradient.base.update(from: outputGradient.base, count: batch * inputSize)
    }
}
