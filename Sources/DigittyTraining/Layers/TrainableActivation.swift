import DigittyEngine
/// ReLU and LeakyReLU for training. The derivative at 0 is taken as that of the negative side (as TensorFlow).
/// It may run in place; after a layer that rectifies its own output it has nothing to do forwards.
final class TrainableActivation: InPlaceTrainableLayer {
    enum Kind { case relu, leaky(Float) }
    let kind: Kind
    /// Set when the layer before already wrote `max(0, x)`.
    var inputIsRectified = false
    /// Set when the layer after applies this ReLU's derivative to the gradient it writes (in place, so there
    /// is nothing left to do backwards).
    var derivativeAppliedByNextLayer = false
    let inputShape: [Int]
    var outputShape: [Int] { inputShape }

    init(kind: Kind, shape: [Int]) {
        self.kind = kind
        inputShape = shape
    }

    var spec: LayerSpec {
        switch kind {
        case .relu: .relu
        case let .leaky(alpha): .leakyReLU(alpha: alpha)
        }
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        if inputIsRectified && input.base == output.base { return }
        let count = batch * inputSize, kind = self.kind
        FixedChunks.run(items: count, chunks: FixedChunks.spread, work: count, alignment: 64) { _, range in
            switch kind {
            case .relu:
                for index in range { output.base[index] = input.base[index] > 0 ? input.base[index] : 0 }
            case let .leaky(alpha):
                for index in range {
                    let x = input.base[index]
                    output.base[index] = x > 0 ? x : x * alpha
                }
            }
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient, !derivativeAppliedByNextLayer else { return }
        let count = batch * inputSize, kind = self.kind
        FixedChunks.run(items: count, chunks: FixedChunks.spread, work: count, alignment: 64) { _, range in
            switch kind {
            case .relu:
                for index in range {
                    inputGradient.base[index] = input.base[index] > 0 ? outputGradient.base[index] : 0
                }
            case let .leaky(alpha):
                for index in range {
                    let gradient = outputGradient.base[index]
                    inputGradient.base[index] = input.base[index] > 0 ? gradient : gradient * alpha
                }
            }
        }
    }
}
