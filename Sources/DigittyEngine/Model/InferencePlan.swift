/// A model's layers as the engine runs them: BatchNorm folded into the Conv2D or Dense before it, neighbours
/// fused as `LayerFusion` describes (Conv2D + ReLU + 2×2 MaxPool in the convolution's epilogue, Conv2D + ReLU,
/// Dense + ReLU), Dropout dropped, Winograd weights transformed for each convolution's input size, batches split
/// across cores.
struct InferencePlan: Sendable {
    enum Step: Sendable {
        case layer(any Layer)
        case convolution(Conv2D, Conv2D.Epilogue, winogradWeights: [Float]?)
        case dense(Dense, relu: Bool)
    }

    let steps: [Step]

    /// The plan for `layers` over samples shaped `inputShape` (`[height, width, channels]` before a convolution),
    /// whose shapes the model has checked.
    init(layers: [any Layer], inputShape: [Int]) {
        let layers = Self.foldingBatchNorms(layers)
        var inputShapes = [inputShape]  // inputShapes[i]: layer i's input
        for layer in layers { inputShapes.append((try? layer.outputShape(for: inputShapes.last!)) ?? []) }
        var steps: [Step] = []
        for fusion in LayerFusion.steps(layers.map(\.spec)) {
            let layer = layers[fusion.head]
            let pool = fusion.maxPool ? layers[fusion.head + 2] : nil
            if let conv = layer as? Conv2D {
                // The kernels' epilogue pools 2×2 windows with stride 2 over a whole (valid) output.
                let poolsInEpilogue = conv.padding == .valid
                    && pool?.spec.normalized == .maxPool2D(size: 2, stride: 2, padding: .valid)
                let epilogue: Conv2D.Epilogue = poolsInEpilogue ? .reluMaxPool2x2 : fusion.relu ? .relu : .none
                let input = inputShapes[fusion.head]
                let winogradWeights = conv.algorithm == .winograd && input.count == 3
                    ? conv.winogradWeights(height: input[0], width: input[1], then: epilogue) : nil
                steps.append(.convolution(conv, epilogue, winogradWeights: winogradWeights))
                if let pool, !poolsInEpilogue { steps.append(.layer(pool)) }
            } else if let dense = layer as? Dense {
                steps.append(.dense(dense, relu: fusion.relu))
                if let pool { steps.append(.layer(pool)) }
            } else if !(layer is Dropout) {
                steps.append(.layer(layer))
            }
        }
        self.steps = steps
    }

    /// The layers with each BatchNorm that follows a Conv2D or Dense folded into it (same outputs up to rounding).
    private static func foldingBatchNorms(_ layers: [any Layer]) -> [any Layer] {
        var folded: [any Layer] = []
        for layer in layers {
            if let norm = layer as? BatchNorm, let previous = folded.last {
                // The model's shapes were checked, so the channels match and folding cannot fail.
                if let conv = previous as? Conv2D, let merged = try? norm.folded(into: conv) {
                    folded[folded.count - 1] = merged
                    continue
                }
                if let dense = previous as? Dense, let merged = try? norm.folded(into: dense) {
                    folded[folded.count - 1] = merged
                    continue
                }
            }
            folded.append(layer)
        }
        return folded
    }

    /// Images per piece of a batch: small enough that a piece's activations stay in cache.
    static let piece = 16

    /// Runs a batch: pieces of `piece` images, spread over the cores, each piece through every step.
    func run(_ batch: Tensor, outputShape: [Int]) -> Tensor {
        let count = batch.shape[0]
        let sampleSize = Tensor.elementCount(Array(batch.shape.dropFirst()))
        let outputSize = Tensor.elementCount(outputShape)
        if count <= InferencePlan.piece {
            return runSerially(batch)
        }
        var output = Tensor(shape: [count] + outputShape)
        let pieces = (count + InferencePlan.piece - 1) / InferencePlan.piece
        output.scalars.withUnsafeMutableBufferPointer { destination in
            let address = Int(bitPattern: destination.baseAddress!)
            Parallel.forEachChunk(items: pieces, work: Int.max) { range in
                let destination = UnsafeMutablePointer<Float>(bitPattern: address)!
                for piece in range {
                    let first = piece * InferencePlan.piece
                    let last = min(count, first + InferencePlan.piece)
                    let input = Tensor(shape: [last - first] + batch.shape.dropFirst(),
                                       scalars: Array(batch.scalars[first * sampleSize..<last * sampleSize]))
                    let result = runSerially(input)
                    result.scalars.withUnsafeBufferPointer { values in
                        (destination + first * outputSize).update(from: values.baseAddress!, count: values.count)
                    }
                }
            }
        }
        return output
    }

    private func runSerially(_ batch: Tensor) -> Tensor {
        var activations = batch
        for step in steps {
            switch step {
            case let .layer(layer): activations = layer.forward(activations)
            case let .convolution(conv, epilogue, winogradWeights):
                activations = conv.forward(activations, then: epilogue, winogradWeights: winogradWeights)
            case let .dense(dense, relu): activations = dense.forward(activations, relu: relu)
            }
        }
        return activations
    }
}
