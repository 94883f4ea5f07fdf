import DigittyEngine
/// Conv2D for training. The forward pass is the engine's (`Conv2D.convolve`: direct or Winograd, with the
/// ReLU fused), so a model answers in training as it will once saved. Backwards, im2col (each output pixel's
/// window laid out as a row) turns the weight gradient (`colsᵀ · dY`) and the input gradient (`dY · Wᵀ`,
/// scattered back by col2im) into matrix products on the blocked SIMD kernels.
// Worker threads only read its immutable geometry and write disjoint parts of preallocated buffers.
final class TrainableConv2D: RectifyingTrainableLayer, @unchecked Sendable {
    let spec: LayerSpec
    var rectifiesOutput = false
    let inputShape: [Int]
    let outputShape: [Int]
    let kernel, stride, filters, channels: Int
    let height, width, outHeight, outWidth, padTop, padLeft: Int
    /// `k · k · channels`: the length of one im2col row.
    let patch: Int
    let padding: Padding
    private let algorithm: Conv2D.Algorithm
    /// The weights as the Winograd kernel takes them, transformed anew from `weight` at each forward pass.
    private let winogradWeights: FloatBuffer
    /// The Winograd kernel's output tile for this layer's geometry (ReLU or not, the same).
    private let winogradTile: Int
    private let columns: FloatBuffer
    private let columnGradients: FloatBuffer
    private let partials: FloatBuffer
    /// The weight transposed to `[filters, patch]`, for the input gradient `dY · Wᵀ`.
    private let transposedWeight: FloatBuffer
    private var weight = FloatBuffer.empty
    private var bias = FloatBuffer.empty
    private var weightGradient = FloatBuffer.empty
    private var biasGradient = FloatBuffer.empty

    init(filters: Int, kernelSize: Int, stride: Int, padding: Padding, inputShape: [Int], maxBatch: Int) {
        let (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        let rows = padding.geometry(length: height, size: kernelSize, stride: stride)
        let cols = padding.geometry(length: width, size: kernelSize, stride: stride)
        spec = .conv2D(filters: filters, kernelSize: kernelSize, stride: stride, padding: padding)
        self.inputShape = inputShape
        outputShape = [rows.output, cols.output, filters]
        (kernel, self.stride, self.filters, self.channels) = (kernelSize, stride, filters, channels)
        (self.height, self.width, outHeight, outWidth, padTop, padLeft) =
            (height, width, rows.output, cols.output, rows.padBefore, cols.padBefore)
        patch = kernelSize * kernelSize * channels
        self.padding = padding
        algorithm = Conv2D.algorithm(kernelSize: kernelSize, stride: stride, inputChannels: channels)
        winogradTile = Conv2D.winogradTile(Conv2D.geometry(height: height, width: width, channels: channels,
                                                           filters: filters, kernelSize: kernelSize, stride: stride,
                                                           padding: padding), then: .none)
        winogradWeights = .allocate(algorithm == .winograd
            ? Conv2D.winogradWeightCount(tile: winogradTile, channels: channels, filters: filters) : 0)
        let pixels = rows.output * cols.output
        columns = .allocate(maxBatch * pixels * patch)
        columnGradients = .allocate(maxBatch * pixels * patch)
        partials = .allocate(FixedChunks.reductionChunks * (patch + 1) * filters)
        transposedWeight = .allocate(patch * filters)
    }

    deinit {
        winogradWeights.deallocate()
        columns.deallocate()
        columnGradients.deallocate()
        partials.deallocate()
        transposedWeight.deallocate()
    }

    var parameterSpecs: [ParameterSpec] {
        [ParameterSpec(name: "weight", shape: [kernel, kernel, channels, filters],
                       initial: .glorotUniform(fanIn: patch, fanOut: kernel * kernel * filters), trainable: true),
         ParameterSpec(name: "bias", shape: [filters], initial: .zeros, trainable: true)]
    }

    func bind(parameters: FloatBuffer, gradients: FloatBuffer) {
        weight = parameters.slice(0, patch * filters)
        bias = parameters.slice(patch * filters, filters)
        weightGradient = gradients.slice(0, patch * filters)
        biasGradient = gradients.slice(patch * filters, filters)
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let winograd = algorithm == .winograd
        if winograd {
            Conv2D.transformWinogradWeights(weight.base, tile: winogradTile, channels: channels, filters: filters,
                                            into: winogradWeights.base)
        }
        let shape = Conv2D.geometry(height: height, width: width, channels: channels, filters: filters,
                                    kernelSize: kernel, stride: stride, padding: padding)
        let (weights, bias, outputSize) = (winograd ? winogradWeights : weight, self.bias, self.outputSize)
        let epilogue: Conv2D.Epilogue = rectifiesOutput ? .relu : .none
        let work = batch * outHeight * outWidth * patch * filters
        FixedChunks.run(items: batch, chunks: FixedChunks.spread, work: work) { _, samples in
            Conv2D.convolve(images: samples.count, shape, input.base + samples.lowerBound * self.inputSize,
                            weights.base, winograd: winograd, bias.base, output.base + samples.lowerBound * outputSize,
                            then: epilogue)
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        let pixels = outHeight * outWidth
        let rows = batch * pixels, patch = self.patch, filters = self.filters
        let (columns, partials) = (self.columns, self.partials)
        FixedChunks.run(items: batch, chunks: FixedChunks.spread, work: rows * patch) { _, samples in
            for sample in samples {
                self.im2col(input.base + sample * self.inputSize, into: columns.base + sample * pixels * patch)
            }
        }
        let stride = (patch + 1) * filters
        let chunks = FixedChunks.reductionChunks
        FixedChunks.run(items: rows, chunks: chunks, work: rows * patch * filters) { chunk, range in
            let partial = partials.base + chunk * stride
            StridedMatrixMultiply.multiplyTransposedA(
                m: range.count, n: filters, k: patch, columns.base + range.lowerBound * patch, lda: patch,
                outputGradient.base + range.lowerBound * filters, ldb: filters, into: partial, ldc: filters)
            let biasPartial = partial + patch * filters
            biasPartial.update(repeating: 0, count: filters)
            for row in range {
                let source = outputGradient.base + row * filters
                for filter in 0..<filters { biasPartial[filter] += source[filter] }
            }
        }
        // Chunks left empty (fewer rows than chunks) contribute nothing.
        let used = min(chunks, rows)
        // The bias gradient follows the weight gradient in the model's buffer, as in each partial.
        FixedChunks.reduce(partials, parts: used, length: stride, into: weightGradient.base)
        guard let inputGradient else { return }
        let (transposed, columnGradients) = (self.transposedWeight, self.columnGradients)
        for row in 0..<patch {
            for filter in 0..<filters { transposed.base[filter * patch + row] = weight.base[row * filters + filter] }
        }
        FixedChunks.run(items: batch, chunks: FixedChunks.spread, work: rows * patch * filters) { _, samples in
            let first = samples.lowerBound * pixels
            // dY is mostly zero after ReLU: the row kernel skips those entries.
            StridedMatrixMultiply.multiply(
                m: samples.count * pixels, n: patch, k: filters, outputGradient.base + first * filters, lda: filters,
                transposed.base, ldb: patch, into: columnGradients.base + first * patch, ldc: patch)
            for sample in samples {
                self.col2im(columnGradients.base + sample * pixels * patch,
                            into: inputGradient.base + sample * self.inputSize)
            }
        }
    }

    /// Lays out each output pixel's window of one image as a row of `patch` values (zeros for padding).
    func im2col(_ image: UnsafePointer<Float>, into rows: UnsafeMutablePointer<Float>) {
        var target = rows
        if padTop == 0 && padLeft == 0 && (outHeight - 1) * stride + kernel <= height
            && (outWidth - 1) * stride + kernel <= width {
            // No padding: every window lies inside the image, and each of its rows is one contiguous run.
            let run = kernel * channels
            for outRow in 0..<outHeight {
                for outColumn in 0..<outWidth {
                    let corner = image + (outRow * stride * width + outColumn * stride) * channels
                    for kernelRow in 0..<kernel {
                        let source = corner + kernelRow * width * channels
                        for index in 0..<run { target[index] = source[index] }
                        target += run
                    }
                }
            }
            return
        }
        if channels == 1 {
            // One value per tap: copy scalars rather than runs.
            for outRow in 0..<outHeight {
                for outColumn in 0..<outWidth {
                    for kernelRow in 0..<kernel {
                        let row = outRow * stride + kernelRow - padTop
                        for kernelColumn in 0..<kernel {
                            let column = outColumn * stride + kernelColumn - padLeft
                            let inside = row >= 0 && row < height && column >= 0 && column < width
                            target.pointee = inside ? image[row * width + column] : 0
                            target += 1
                        }
                    }
                }
            }
            return
        }
        for outRow in 0..<outHeight {
            for outColumn in 0..<outWidth {
                for kernelRow in 0..<kernel {
                    let row = outRow * stride + kernelRow - padTop
                    for kernelColumn in 0..<kernel {
                        let column = outColumn * stride + kernelColumn - padLeft
                        if row < 0 || row >= height || column < 0 || column >= width {
                            target.update(repeating: 0, count: channels)
                        } else {
                            target.update(from: image + (row * width + column) * channels, count: channels)
                        }
                        target += channels
                    }
                }
            }
        }
    }

    /// Adds each row's window gradient back onto the image pixels it came from.
    func col2im(_ rows: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        image.update(repeating: 0, count: height * width * channels)
        var source = rows
        for outRow in 0..<outHeight {
            for outColumn in 0..<outWidth {
                for kernelRow in 0..<kernel {
                    let row = outRow * stride + kernelRow - padTop
                    for kernelColumn in 0..<kernel {
                        let column = outColumn * stride + kernelColumn - padLeft
                        if row >= 0, row < height, column >= 0, column < width {
                            let target = image + (row * width + column) * channels
                            for channel in 0..<channels { target[channel] += source[channel] }
                        }
                        source += channels
                    }
                }
            }
        }
    }
}
