/// Which neighbouring layers run as one step, the one description of fusion that the engine's
/// `InferencePlan` and the trainer's `TrainableModel` both follow: a Conv2D or Dense followed by ReLU writes
/// its output already rectified (one pass over memory fewer), and a max pool right after that ReLU joins the
/// step (the engine pools in the convolution's epilogue where its kernel can; the trainer's pool applies the
/// ReLU's derivative as it routes the gradient back).
package struct LayerFusion: Sendable, Equatable {
    /// The index of the step's first layer, a Conv2D or Dense when anything is fused.
    package let head: Int
    /// Whether the layer after `head` is a ReLU computed by `head`.
    package let relu: Bool
    /// Whether a max pool follows that ReLU in the same step.
    package let maxPool: Bool

    /// How many layers the step covers.
    package var count: Int { 1 + (relu ? 1 : 0) + (maxPool ? 1 : 0) }

    /// The steps of a sequence of layers, in order, covering every layer once.
    package static func steps(_ specs: [LayerSpec]) -> [LayerFusion] {
        var steps: [LayerFusion] = []
        var index = 0
        while index < specs.count {
            let fusesReLU = switch specs[index] {
            case .conv2D, .dense: index + 1 < specs.count && specs[index + 1] == .relu
            default: false
            }
            var pools = false
            if fusesReLU, index + 2 < specs.count, case .maxPool2D = specs[index + 2] { pools = true }
            let step = LayerFusion(head: index, relu: fusesReLU, maxPool: pools)
            steps.append(step)
            index += step.count
        }
        return steps
    }
}
