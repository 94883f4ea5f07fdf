/// A model's layers as the engine runs them: BatchNorm folded into the Conv2D or Dense before it, neighbours
/// fused where that saves a pass over memory (Conv2D + ReLU + 2×2 MaxPool, Conv2D + ReLU, Dense + ReLU),
/// Dropout dropped, batches split across cores.
struct InferencePlan: Sendable {
    enum Step: Sendable {
        case layer(any Layer)
        case convolution(Conv2D, Conv2D.Epilogue)
        case dense(Dense, relu: Bool)
    }

    let steps: [Step]

    init(layers: [any Layer]) {
        let layers = Self.foldingBatchNorms(layers)
        var steps: [Step] = []
        var index = 0
        func spec(at offset: Int) -> LayerSpec? { index + offset < layers.count ? layers[index + offset].spec : nil }
        while index < layers.count {
            let layer = layers[index]
            let followedByReLU = spec(at: 1) == .relu
            if let conv = layer as? Conv2D, conv.padding == .valid, followedByReLU,
               case let .maxPool2D(size, stride, padding)? = spec(at: 2), size == 2, stride ?? 2 == 2, padding == .valid {
                steps.append(.convolution(conv, .reluMaxPool2x2))
                index += 3
            } else if let conv = layer as? Conv2D {
                steps.append(.convolution(conv, followedByReLU ? .relu : .none))
                index += followedByReLU ? 2 : 1
            } else if let dense = layer as? Dense {
                steps.append(.dense(dense, relu: followedByReLU))
                index += followedByReLU ? 2 : 1
            } else if layer is Dropout {
                index += 1
            } else {
                steps.append(.layer(layer))
                index += 1
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
            case let .convolution(conv, epilogue): activations = conv.forward(activations, then: epilogue)
            case let .dense(dense, relu): activations = dense.forward(activations, relu: relu)
            }
        }
        return activations
    }
}
