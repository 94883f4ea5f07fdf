import DigittyEngine
/// MaxPool2D and AveragePool2D for training. Max pooling remembers which input won each window (the first
/// maximum in scan order) and routes the gradient there; average pooling spreads it evenly over the window's
/// pixels (padding excluded, as in the forward pass).
// Worker threads only read its immutable geometry and write disjoint parts of preallocated buffers.
final class TrainablePool: TrainableLayer, @unchecked Sendable {
    enum Kind { case max, average }
    let kind: Kind
    let spec: LayerSpec
    let inputShape: [Int]
    let outputShape: [Int]
    let size, stride, height, width, channels, outHeight, outWidth, padTop, padLeft: Int
    /// Set when the input is a ReLU's output and that ReLU leaves its backward pass to this layer: a max
    /// pool then routes each gradient only to a winner above zero, which is all the ReLU's derivative does.
    var appliesReLUDerivative = false
    private let winners: IndexBuffer

    init(kind: Kind, size: Int, stride: Int, padding: Padding, inputShape: [Int], outputShape: [Int],
         maxBatch: Int) {
        self.kind = kind
        spec = kind == .max ? .maxPool2D(size: size, stride: stride, padding: padding)
                            : .averagePool2D(size: size, stride: stride, padding: padding)
        self.inputShape = inputShape
        self.outputShape = outputShape
        (self.size, self.stride) = (size, stride)
        (height, width, channels) = (inputShape[0], inputShape[1], inputShape[2])
        (outHeight, outWidth) = (outputShape[0], outputShape[1])
        padTop = padding.geometry(length: height, size: size, stride: stride).padBefore
        padLeft = padding.geometry(length: width, size: size, stride: stride).padBefore
        winners = .allocate(kind == .max ? maxBatch * Tensor.elementCount(outputShape) : 0)
    }

    deinit { winners.deallocate() }

    /// The window of output pixel (`outRow`, `outColumn`) clipped to the image.
    @inline(__always)
    private func window(_ outRow: Int, _ outColumn: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        let top = outRow * stride - padTop, left = outColumn * stride - padLeft
        return (max(0, top)..<min(height, top + size), max(0, left)..<min(width, left + size))
    }

    func forward(_ input: FloatBuffer, into output: FloatBuffer, batch: Int, mode: ForwardMode) {
        let (inputSize, outputSize, channels) = (self.inputSize, self.outputSize, self.channels)
        FixedChunks.run(items: batch, chunks: FixedChunks.spread, work: batch * inputSize * 4) { _, samples in
            for sample in samples {
                let image = input.base + sample * inputSize
                var target = output.base + sample * outputSize
                var winner = self.winners.base + sample * outputSize
                for outRow in 0..<self.outHeight {
                    for outColumn in 0..<self.outWidth {
                        let (rows, columns) = self.window(outRow, outColumn)
                        switch self.kind {
                        case .max where channels % 8 == 0:
                            self.maxWindow(image, rows: rows, columns: columns, target: target, winner: winner)
                            winner += channels
                        case .max:
                            let first = Int32((rows.lowerBound * self.width + columns.lowerBound) * channels)
                            for channel in 0..<channels {
                                target[channel] = image[Int(first) + channel]
                                winner[channel] = first + Int32(channel)
                            }
                            for row in rows {
                                for column in columns {
                                    let offset = (row * self.width + column) * channels
                                    for channel in 0..<channels where image[offset + channel] > target[channel] {
                                        target[channel] = image[offset + channel]
                                        winner[channel] = Int32(offset + channel)
                                    }
                                }
                            }
                            winner += channels
                        case .average:
                            target.update(repeating: 0, count: channels)
                            for row in rows {
                                for column in columns {
                                    let pixel = image + (row * self.width + column) * channels
                                    for channel in 0..<channels { target[channel] += pixel[channel] }
                                }
                            }
                            let scale = 1 / Float(rows.count * columns.count)
                            for channel in 0..<channels { target[channel] *= scale }
                        }
                        target += channels
                    }
                }
            }
        }
    }

    /// The maximum of one window, eight channels at a time, without branches.
    @inline(__always)
    private func maxWindow(_ image: UnsafePointer<Float>, rows: Range<Int>, columns: Range<Int>,
                           target: UnsafeMutablePointer<Float>, winner: UnsafeMutablePointer<Int32>) {
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        let firstOffset = (rows.lowerBound * width + columns.lowerBound) * channels
        var channel = 0
        while channel < channels {
            var best = UnsafeRawPointer(image + firstOffset + channel).loadUnaligned(as: SIMD8<Float>.self)
            var index = SIMD8(repeating: Int32(firstOffset + channel)) &+ lanes
            for row in rows {
                for column in columns {
                    let offset = (row * width + column) * channels + channel
                    let value = UnsafeRawPointer(image + offset).loadUnaligned(as: SIMD8<Float>.self)
                    let better = value .> best
                    best.replace(with: value, where: better)
                    index.replace(with: SIMD8(repeating: Int32(offset)) &+ lanes, where: better)
                }
            }
            UnsafeMutableRawPointer(target + channel).storeBytes(of: best, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(winner + channel).storeBytes(of: index, as: SIMD8<Int32>.self)
            channel += 8
        }
    }

    func backward(input: FloatBuffer, output: FloatBuffer, outputGradient: FloatBuffer,
                  inputGradient: FloatBuffer?, batch: Int) {
        guard let inputGradient else { return }
        let (inputSize, outputSize, channels) = (self.inputSize, self.outputSize, self.channels)
        FixedChunks.run(items: batch, chunks: FixedChunks.spread, work: batch * inputSize * 4) { _, samples in
            for sample in samples {
                let target = inputGradient.base + sample * inputSize
                target.update(repeating: 0, count: inputSize)
                let gradient = outputGradient.base + sample * outputSize
                switch self.kind {
                case .max where self.appliesReLUDerivative:
                    let winner = self.winners.base + sample * outputSize
                    let image = input.base + sample * inputSize
                    for index in 0..<outputSize {
                        let position = Int(winner[index])
                        if image[position] > 0 { target[position] += gradient[index] }
                    }
                case .max:
                    let winner = self.winners.base + sample * outputSize
                    for index in 0..<outputSize { target[Int(winner[index])] += gradient[index] }
                case .average:
                    var source = gradient
                    for outRow in 0..<self.outHeight {
                        for outColumn in 0..<self.outWidth {
                            let (rows, columns) = self.window(outRow, outColumn)
                            let scale = 1 / Float(rows.count * columns.count)
                            for row in rows {
                                for column in columns {
                                    let pixel = target + (row * self.width + column) * channels
                                    for channel in 0..<channels { pixel[channel] += source[channel] * scale }
                                }
                            }
                            source += channels
                        }
                    }
                }
            }
        }
    }
}
