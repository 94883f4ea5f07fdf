/// A 2-D convolution of one NHWC image computed output pixel by output pixel, with the filters of a pixel
/// accumulated in SIMD registers, sixteen at a time (leftover filters one at a time).
struct DirectConvolution: Sendable {
    let height, width, channels, outHeight, outWidth, filters, kernel, stride, padTop, padLeft: Int

    /// `output[oy, ox, :] = bias + Σ input[…] · weights[ky, kx, c, :]`, optionally followed by ReLU.
    func convolve(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                  _ output: UnsafeMutablePointer<Float>, relu: Bool = false) {
        let vectorFilters = filters & ~15
        for outRow in 0..<outHeight {
            for outColumn in 0..<outWidth {
                let target = output + (outRow * outWidth + outColumn) * filters
                for start in Swift.stride(from: 0, to: vectorFilters, by: 16) {
                    store(pixel(input, weights, bias, outRow, outColumn, start), target + start, relu: relu)
                }
                for filter in vectorFilters..<filters {
                    let value = scalarPixel(input, weights, bias, outRow, outColumn, filter)
                    target[filter] = relu ? max(0, value) : value
                }
            }
        }
    }

    /// The convolution followed by ReLU and 2×2 max pooling with stride 2, without storing the convolution:
    /// `output` is `[outHeight / 2, outWidth / 2, filters]`. Only for `valid` padding (no window leaves the
    /// image). The four convolution pixels under a pooling window are accumulated together, which gives the
    /// processor four independent chains of multiply-adds; max and ReLU commute, so ReLU is applied once.
    func convolveReLUMaxPool(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                             _ bias: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        precondition(padTop == 0 && padLeft == 0, "fused pooling needs valid padding")
        let (pooledHeight, pooledWidth) = (outHeight / 2, outWidth / 2)
        let vectorFilters = filters & ~15
        for pooledRow in 0..<pooledHeight {
            for pooledColumn in 0..<pooledWidth {
                let target = output + (pooledRow * pooledWidth + pooledColumn) * filters
                let (row, column) = (2 * pooledRow, 2 * pooledColumn)
                for start in Swift.stride(from: 0, to: vectorFilters, by: 16) {
                    let block = isSingleChannel3x3 ? pooledBlockSingleChannel3x3(input, weights, bias, row, column, start)
                                                   : pooledBlock(input, weights, bias, row, column, start)
                    store(block, target + start, relu: true)
                }
                for filter in vectorFilters..<filters {
                    let best = max(max(scalarPixel(input, weights, bias, row, column, filter),
                                       scalarPixel(input, weights, bias, row, column + 1, filter)),
                                   max(scalarPixel(input, weights, bias, row + 1, column, filter),
                                       scalarPixel(input, weights, bias, row + 1, column + 1, filter)))
                    target[filter] = max(0, best)
                }
            }
        }
    }

    /// One input channel, a 3×3 kernel, stride 1: the first layer of the digit CNNs, with loops the compiler can
    /// unroll (`pooledBlockSingleChannel3x3`).
    private var isSingleChannel3x3: Bool { channels == 1 && kernel == 3 && stride == 1 }

    /// `pooledBlock` for one input channel, a 3×3 kernel and stride 1. Each of the nine weight vectors is loaded
    /// once for the four pixels, and the loop bounds are constants.
    @inline(__always)
    private func pooledBlockSingleChannel3x3(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                                             _ bias: UnsafePointer<Float>, _ row: Int, _ column: Int,
                                             _ start: Int) -> SIMD16<Float> {
        let initial = load(bias + start)
        var (topLeft, topRight, bottomLeft, bottomRight) = (initial, initial, initial, initial)
        for kernelRow in 0..<3 {
            let top = input + (row + kernelRow) * width + column, bottom = top + width
            for kernelColumn in 0..<3 {
                let w = load(weights + (kernelRow * 3 + kernelColumn) * filters + start)
                topLeft = topLeft.addingProduct(SIMD16(repeating: top[kernelColumn]), w)
                topRight = topRight.addingProduct(SIMD16(repeating: top[kernelColumn + 1]), w)
                bottomLeft = bottomLeft.addingProduct(SIMD16(repeating: bottom[kernelColumn]), w)
                bottomRight = bottomRight.addingProduct(SIMD16(repeating: bottom[kernelColumn + 1]), w)
            }
        }
        return maximum(maximum(topLeft, topRight), maximum(bottomLeft, bottomRight))
    }

    /// The maximum over the 2×2 convolution pixels whose top-left is (`row`, `column`), filters
    /// `start..<start + 16`.
    @inline(__always)
    private func pooledBlock(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                             _ bias: UnsafePointer<Float>, _ row: Int, _ column: Int, _ start: Int) -> SIMD16<Float> {
        let initial = load(bias + start)
        var (topLeft, topRight, bottomLeft, bottomRight) = (initial, initial, initial, initial)
        let right = stride * channels, down = stride * width * channels
        for kernelRow in 0..<kernel {
            for kernelColumn in 0..<kernel {
                let pixel = input + ((row * stride + kernelRow) * width + column * stride + kernelColumn) * channels
                var tap = weights + (kernelRow * kernel + kernelColumn) * channels * filters + start
                for channel in 0..<channels {
                    let w = load(tap)
                    topLeft = topLeft.addingProduct(SIMD16(repeating: pixel[channel]), w)
                    topRight = topRight.addingProduct(SIMD16(repeating: pixel[right + channel]), w)
                    bottomLeft = bottomLeft.addingProduct(SIMD16(repeating: pixel[down + channel]), w)
                    bottomRight = bottomRight.addingProduct(SIMD16(repeating: pixel[down + right + channel]), w)
                    tap += filters
                }
            }
        }
        return maximum(maximum(topLeft, topRight), maximum(bottomLeft, bottomRight))
    }

    /// One output pixel's filters `start..<start + 16`.
    @inline(__always)
    private func pixel(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ bias: UnsafePointer<Float>,
                       _ outRow: Int, _ outColumn: Int, _ start: Int) -> SIMD16<Float> {
        var sum = load(bias + start)
        forEachTap(outRow, outColumn) { inputOffset, tap in
            sum = sum.addingProduct(SIMD16(repeating: input[inputOffset]), load(weights + tap * filters + start))
        }
        return sum
    }

    private func scalarPixel(_ input: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
                             _ bias: UnsafePointer<Float>, _ outRow: Int, _ outColumn: Int, _ filter: Int) -> Float {
        var sum = bias[filter]
        forEachTap(outRow, outColumn) { inputOffset, tap in sum += input[inputOffset] * weights[tap * filters + filter] }
        return sum
    }

    /// Calls `body(inputOffset, tap)` for each input value under the window of an output pixel (padding
    /// skipped), where `tap` is the row of the weight matrix, `(ky · kernel + kx) · channels + c`, that multiplies it.
    @inline(__always)
    private func forEachTap(_ outRow: Int, _ outColumn: Int, _ body: (Int, Int) -> Void) {
        for kernelRow in 0..<kernel {
            let row = outRow * stride + kernelRow - padTop
            if row < 0 || row >= height { continue }
            for kernelColumn in 0..<kernel {
                let column = outColumn * stride + kernelColumn - padLeft
                if column < 0 || column >= width { continue }
                let pixel = (row * width + column) * channels
                let firstTap = (kernelRow * kernel + kernelColumn) * channels
                for channel in 0..<channels {
                    body(pixel + channel, firstTap + channel)
                }
            }
        }
    }

    @inline(__always)
    private func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    private func store(_ value: SIMD16<Float>, _ target: UnsafeMutablePointer<Float>, relu: Bool) {
        let result = relu ? value.replacing(with: 0, where: value .< 0) : value
        UnsafeMutableRawPointer(target).storeBytes(of: result, as: SIMD16<Float>.self)
    }

    /// Lane-wise maximum (the standard library's `pointwiseMax` compiles to a scalar loop).
    @inline(__always)
    private func maximum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: a .< b)
    }
}
