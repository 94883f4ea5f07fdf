/// Flatten for training: the same values under a vector shape, forwards and backwards.
final class TrainableFlatten: TrainableLayer {
    let spec = LayerSpec.flatten
    let inputShape: [Int]
    let outputShape: [Int]

    init(inputShape: [Int]) {
        self.inputShape = inputShape
        outputShape = [Tensor.elementCount(inputShape)]
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        output.base.update(from: input.base, count: batch * inputSize)
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        inputGradient?.base.update(from: outputGradient.base, count: batch * inputSize)
    }
}
