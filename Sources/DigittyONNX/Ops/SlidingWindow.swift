import DigittyEngine

/// The geometry of a sliding window over the spatial axes of an `[N, C, spatial…]` tensor, shared by Conv,
/// MaxPool and AveragePool: kernel, strides, dilations, explicit pads or `auto_pad`, and `ceil_mode`.
struct SlidingWindow {
    let input: [Int]
    let kernel: [Int]
    let output: [Int]
    /// For each output position (row-major) and each kernel tap (row-major): the input's spatial offset,
    /// `padding` when the tap falls in the declared padding, or `beyond` when it lies past even that
    /// (only with `ceil_mode`).
    let taps: [Int]
    static let padding = -1
    /// The most taps (output positions × kernel size) a window may have.
    static let maximumTaps = 1 << 24
    static let beyond = -2

    var kernelSize: Int { kernel.reduce(1, *) }
    var outputSize: Int { output.reduce(1, *) }
    var inputSize: Int { input.reduce(1, *) }

    init(_ context: OperatorContext, input: [Int], kernel given: [Int]?, allowCeilMode: Bool) throws(ONNXError) {
        let rank = input.count
        guard rank >= 1 else { throw context.fail("input needs at least one spatial axis") }
        let declared = try context.ints("kernel_shape")
        guard let kernel = given ?? declared else {
            throw context.attributeError("kernel_shape", "is required")
        }
        let strides = try context.ints("strides") ?? [Int](repeating: 1, count: rank)
        let dilations = try context.ints("dilations") ?? [Int](repeating: 1, count: rank)
        var pads = try context.ints("pads") ?? [Int](repeating: 0, count: 2 * rank)
        let autoPad = try context.string("auto_pad", default: "NOTSET")
        let ceilMode = try context.int("ceil_mode", default: 0) != 0
        if ceilMode && !allowCeilMode { throw context.attributeError("ceil_mode", "is not supported here") }
        for (name, values, count) in [("kernel_shape", kernel, rank), ("strides", strides, rank), ("dilations", dilations, rank)] {
            guard values.count == count, values.allSatisfy({ $0 > 0 && $0 < 1 << 20 }) else {
                throw context.attributeError(name, "\(values) must be \(count) positive values for a \(rank)-D window")
            }
        }
        guard pads.count == 2 * rank, pads.allSatisfy({ $0 >= 0 && $0 < 1 << 20 }) else {
            throw context.attributeError("pads", "\(pads) must be \(2 * rank) non-negative values")
        }
        var output = [Int](repeating: 0, count: rank)
        for axis in 0..<rank {
            let span = (kernel[axis] - 1) * dilations[axis] + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                output[axis] = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (output[axis] - 1) * strides[axis] + span - input[axis])
                let small = total / 2
                (pads[axis], pads[rank + axis]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
            case "VALID":
                (pads[axis], pads[rank + axis]) = (0, 0)
                output[axis] = input[axis] >= span ? (input[axis] - span) / strides[axis] + 1 : 0
            case "NOTSET":
                let room = input[axis] + pads[axis] + pads[rank + axis] - span
                guard room >= 0 else { break }
                if ceilMode {
                    output[axis] = (room + strides[axis] - 1) / strides[axis] + 1
                    if (output[axis] - 1) * strides[axis] >= input[axis] + pads[axis] { output[axis] -= 1 }
                } else {
                    output[axis] = room / strides[axis] + 1
                }
            default:
                throw context.attributeError("auto_pad", "'\(autoPad)' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID")
            }
        }
        guard output.allSatisfy({ $0 > 0 }) else {
            throw context.fail("a \(kernel) window does not fit the \(input) input")
        }
        let outputSize = try ONNXTensor.checkedCount(output, context: context.node.name)
        let kernelSize = try ONNXTensor.checkedCount(kernel, context: context.node.name)
        guard let tapCount = Tensor.checkedElementCount([outputSize, kernelSize], limit: SlidingWindow.maximumTaps) else {
            throw .tooLarge("\(context.node.name): a \(kernel) window over \(output) outputs needs more than \(SlidingWindow.maximumTaps) taps")
        }
        let inputStrides = ONNXTensor.strides(input)
        var taps = [Int](repeating: 0, count: tapCount)
        var outIndex = [Int](repeating: 0, count: rank)
        for position in 0..<outputSize {
            var tapIndex = [Int](repeating: 0, count: rank)
            for tap in 0..<kernelSize {
                var offset = 0
                var state = 0  // 0 inside, 1 padding, 2 beyond
                for axis in 0..<rank {
                    let coordinate = outIndex[axis] * strides[axis] - pads[axis] + tapIndex[axis] * dilations[axis]
                    if coordinate < 0 || coordinate >= input[axis] {
                        state = max(state, coordinate >= input[axis] + pads[rank + axis] ? 2 : 1)
                    } else {
                        offset += coordinate * inputStrides[axis]
                    }
                }
                taps[position * kernelSize + tap] = state == 0 ? offset : (state == 1 ? SlidingWindow.padding : SlidingWindow.beyond)
                SlidingWindow.advance(&tapIndex, within: kernel)
            }
            SlidingWindow.advance(&outIndex, within: output)
        }
        self.input = input
        self.kernel = kernel
        self.output = output
        self.taps = taps
    }

    /// Steps a row-major multi-index by one.
    static func advance(_ index: inout [Int], within shape: [Int]) {
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { return }
            index[axis] = 0
            axis -= 1
        }
    }
}
