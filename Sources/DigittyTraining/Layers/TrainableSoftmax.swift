import DigittyEngine
/// Softmax over the last dimension for training. As the last layer it is folded into the cross-entropy loss
/// (see `SoftmaxCrossEntropy`); elsewhere its backward pass is `dx = y ⊙ (dy − Σ dy ⊙ y)`.
final class TrainableSoftmax: TrainableLayer {
    let spec = LayerSpec.softmax
    let inputShape: [Int]
    var outputShape: [Int] { inputShape }
    let classes: Int

    init(shape: [Int]) {
        inputShape = shape
        classes = shape[shape.count - 1]
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let count = batch * inputSize
        output.base.update(from: input.base, count: count)
        Softmax.normalize(UnsafeMutableBufferPointer(start: output.base, count: count), width: classes)
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient else { return }
        var start = 0
        while start < batch * inputSize {
            var dot: Float = 0
            for index in start..<start + classes { dot += outputGradient.base[index] * output.base[index] }
            for index in start..<start + classes {
                inputGradient.base[index] = output.base[index] * (outputGradient.base[index] - dot)
            }
            start += classes
        }
    }
}
