import DigittyEngine

/// Conv over `[N, C, spatial…]` with weights `[M, C / group, kernel…]`: the window's taps gathered into
/// columns (im2col), then one matrix product per image and group.
enum Convolution {
    static func conv(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let (xShape, x) = try context.floatInput(0), (wShape, w) = try context.floatInput(1)
        guard xShape.count >= 3, wShape.count == xShape.count else {
            throw context.fail("X \(xShape) and W \(wShape) must be [N, C, spatial…] and [M, C/group, kernel…]")
        }
        let group = try context.int("group", default: 1)
        let (batch, channels, filters) = (xShape[0], xShape[1], wShape[0])
        guard group > 0, channels % group == 0, filters % group == 0, wShape[1] == channels / group else {
            throw context.fail("W \(wShape) does not fit X \(xShape) with group \(group)")
        }
        let kernel = Array(wShape.dropFirst(2))
        if let declared = try context.ints("kernel_shape"), declared != kernel {
            throw context.attributeError("kernel_shape", "\(declared) contradicts the weight shape \(wShape)")
        }
        var bias = [Float](repeating: 0, count: filters)
        if context.optionalInput(2) != nil {
            let (bShape, b) = try context.floatInput(2)
            guard b.count == filters, bShape.count == 1 else { throw context.fail("B must be [\(filters)], got \(bShape)") }
            bias = b
        }
        let window = try SlidingWindow(context, input: Array(xShape.dropFirst(2)), kernel: kernel, allowCeilMode: false)
        let outputShape = [batch, filters] + window.output
        let total = try ONNXTensor.checkedCount(outputShape, context: context.node.name)
        let (kernelSize, outputSize, inputSize) = (window.kernelSize, window.outputSize, window.inputSize)
        let groupChannels = channels / group, groupFilters = filters / group
        let rows = groupChannels * kernelSize
        _ = try ONNXTensor.checkedCount([rows, outputSize], context: context.node.name)
        var result = [Float](repeating: 0, count: total)
        var columns = [Float](repeating: 0, count: rows * outputSize)
        for image in 0..<batch {
            for g in 0..<group {
                for channel in 0..<groupChannels {
                    let base = (image * channels + g * groupChannels + channel) * inputSize
                    for tap in 0..<kernelSize {
                        let row = (channel * kernelSize + tap) * outputSize
                        for position in 0..<outputSize {
                            let offset = window.taps[position * kernelSize + tap]
                            columns[row + position] = offset >= 0 ? x[base + offset] : 0
                        }
                    }
                }
                let outputStart = (image * filters + g * groupFilters) * outputSize
                w.withUnsafeBufferPointer { w in
                    columns.withUnsafeBufferPointer { columns in
                        result.withUnsafeMutableBufferPointer { y in
                            MatrixMultiply.multiply(w.baseAddress! + g * groupFilters * rows, columns.baseAddress!,
                                                    into: y.baseAddress! + outputStart, m: groupFilters, k: rows, n: outputSize)
                        }
                    }
                }
                for filter in 0..<groupFilters {
                    let start = outputStart + filter * outputSize
                    for index in start..<start + outputSize { result[index] += bias[g * groupFilters + filter] }
                }
            }
        }
        return [ONNXTensor(shape: outputShape, floats: result)]
    }
}
