/// MaxPool (with optional argmax indices), AveragePool and GlobalAveragePool over `[N, C, spatial…]`.
enum Pooling {
    static func maxPool(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let (window, batchChannels) = try geometry(context, x)
        let storageOrder = try context.int("storage_order", default: 0)
        guard storageOrder == 0 || storageOrder == 1 else { throw context.attributeError("storage_order", "must be 0 or 1") }
        let values = try floatsOf(x, context)
        let (kernelSize, outputSize, inputSize) = (window.kernelSize, window.outputSize, window.inputSize)
        var result = [Float](repeating: 0, count: batchChannels * outputSize)
        var indices = [Int64](repeating: -1, count: batchChannels * outputSize)
        let columnMajor = storageOrder == 1 ? columnMajorOffsets(window.input) : nil
        for plane in 0..<batchChannels {
            let base = plane * inputSize
            for position in 0..<outputSize {
                var best = -Float.infinity, bestOffset = -1
                for tap in window.taps[position * kernelSize..<(position + 1) * kernelSize] where tap >= 0 {
                    if bestOffset < 0 || values[base + tap] > best { (best, bestOffset) = (values[base + tap], tap) }
                }
                guard bestOffset >= 0 else { continue }
                result[plane * outputSize + position] = best
                indices[plane * outputSize + position] = Int64(base + (columnMajor?[bestOffset] ?? bestOffset))
            }
        }
        let shape = Array(x.shape.prefix(2)) + window.output
        let y = x.type == .float ? ONNXTensor(shape: shape, floats: result)
            : ONNXTensor(shape: shape, integers: result.map { Int64($0) }, type: x.type)
        return [y, ONNXTensor(shape: shape, integers: indices)]
    }

    static func averagePool(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let (window, batchChannels) = try geometry(context, x)
        let includePad = try context.int("count_include_pad", default: 0) != 0
        let values = try floatsOf(x, context)
        let (kernelSize, outputSize, inputSize) = (window.kernelSize, window.outputSize, window.inputSize)
        var divisors = [Float](repeating: 0, count: outputSize)
        for position in 0..<outputSize {
            let taps = window.taps[position * kernelSize..<(position + 1) * kernelSize]
            divisors[position] = Float(taps.filter { includePad ? $0 != SlidingWindow.beyond : $0 >= 0 }.count)
        }
        var result = [Float](repeating: 0, count: batchChannels * outputSize)
        for plane in 0..<batchChannels {
            let base = plane * inputSize
            for position in 0..<outputSize {
                var total: Float = 0
                for tap in window.taps[position * kernelSize..<(position + 1) * kernelSize] where tap >= 0 {
                    total += values[base + tap]
                }
                result[plane * outputSize + position] = divisors[position] > 0 ? total / divisors[position] : 0
            }
        }
        return [ONNXTensor(shape: Array(x.shape.prefix(2)) + window.output, floats: result)]
    }

    static func globalAveragePool(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let (shape, values) = try context.floatInput(0)
        guard shape.count >= 3 else { throw context.fail("X must be [N, C, spatial…], got \(shape)") }
        let planes = shape[0] * shape[1], size = shape[2...].reduce(1, *)
        let result = (0..<planes).map { plane in
            values[plane * size..<(plane + 1) * size].reduce(0, +) / Float(max(size, 1))
        }
        return [ONNXTensor(shape: Array(shape.prefix(2)) + [Int](repeating: 1, count: shape.count - 2), floats: result)]
    }

    static func geometry(_ context: OperatorContext, _ x: ONNXTensor) throws(ONNXError) -> (SlidingWindow, Int) {
        guard x.rank >= 3 else { throw context.fail("X must be [N, C, spatial…], got \(x.shape)") }
        let window = try SlidingWindow(context, input: Array(x.shape.dropFirst(2)), kernel: nil, allowCeilMode: true)
        _ = try ONNXTensor.checkedCount([x.shape[0], x.shape[1]] + window.output, context: context.node.name)
        return (window, x.shape[0] * x.shape[1])
    }

    /// Pooling computes in Float; integer inputs must fit it exactly (at most 16 bits).
    static func floatsOf(_ x: ONNXTensor, _ context: OperatorContext) throws(ONNXError) -> [Float] {
        guard [.float, .uint8, .int8, .uint16, .int16].contains(x.type) else {
            throw .unsupportedType(tensor: context.node.inputs.first ?? "", type: "\(x.type.name) in \(context.node.opType)")
        }
        return x.floatValues
    }

    /// For each row-major spatial offset, the column-major one (`storage_order = 1`).
    static func columnMajorOffsets(_ shape: [Int]) -> [Int] {
        let count = shape.reduce(1, *)
        var result = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var offset = 0, stride = 1
            for axis in shape.indices { offset += index[axis] * stride; stride *= shape[axis] }
            result[position] = offset
            SlidingWindow.advance(&index, within: shape)
        }
        return result
    }
}
