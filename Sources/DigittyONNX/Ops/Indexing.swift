/// Operators that select or join elements: Concat, Gather, Slice.
enum Indexing {
    static func concat(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        var parts: [ONNXTensor] = []
        for index in context.node.inputs.indices { parts.append(try context.input(index)) }
        guard let first = parts.first else { throw context.fail("needs at least one input") }
        guard context.node.attributes["axis"] != nil else { throw context.attributeError("axis", "is required") }
        let axis = try context.axis(try context.int("axis", default: 0), rank: first.rank)
        for part in parts {
            guard part.type == first.type, part.rank == first.rank,
                  part.shape.indices.allSatisfy({ $0 == axis || part.shape[$0] == first.shape[$0] }) else {
                throw context.fail("inputs \(parts.map(\.shape)) (\(parts.map(\.type.name))) do not concatenate on axis \(axis)")
            }
        }
        var shape = first.shape
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        _ = try ONNXTensor.checkedCount(shape, context: context.node.name)
        let outer = first.shape[..<axis].reduce(1, *)
        let inner = first.shape[(axis + 1)...].reduce(1, *)
        func join<T>(_ arrays: [[T]]) -> [T] {
            var result: [T] = []
            result.reserveCapacity(shape.reduce(1, *))
            for block in 0..<outer {
                for (part, values) in zip(parts, arrays) {
                    let width = part.shape[axis] * inner
                    result.append(contentsOf: values[block * width..<(block + 1) * width])
                }
            }
            return result
        }
        if first.type == .float {
            return [ONNXTensor(shape: shape, floats: join(parts.map(\.floatValues)))]
        }
        return [ONNXTensor(shape: shape, integers: join(parts.map(\.integerValues)), type: first.type)]
    }

    static func gather(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let data = try context.input(0), indices = try context.input(1)
        guard indices.integers != nil, data.rank >= 1 else { throw context.fail("indices must be integers and data at least 1-D") }
        let axis = try context.axis(try context.int("axis", default: 0), rank: data.rank)
        let size = data.shape[axis]
        var picks: [Int] = []
        for value in indices.integerValues {
            guard value >= -Int64(size), value < Int64(size) else { throw context.fail("index \(value) is out of range 0..<\(size)") }
            picks.append(Int(value < 0 ? value + Int64(size) : value))
        }
        let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        _ = try ONNXTensor.checkedCount(shape, context: context.node.name)
        let outer = data.shape[..<axis].reduce(1, *), inner = data.shape[(axis + 1)...].reduce(1, *)
        var offsets: [Int] = []
        offsets.reserveCapacity(outer * picks.count * inner)
        for block in 0..<outer {
            for pick in picks {
                let base = (block * size + pick) * inner
                for element in 0..<inner { offsets.append(base + element) }
            }
        }
        return [data.gathering(offsets, shape: shape)]
    }

    /// Slice with starts, ends, axes and steps (inputs from opset 10, attributes before).
    static func slice(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let data = try context.input(0)
        let starts, ends: [Int]
        let axesGiven, stepsGiven: [Int]?
        if context.opset < 10 {
            guard let s = try context.ints("starts", clamping: true), let e = try context.ints("ends", clamping: true) else {
                throw context.attributeError("starts", "starts and ends are required")
            }
            (starts, ends, axesGiven, stepsGiven) = (s, e, try context.ints("axes"), nil)
        } else {
            guard let s = try context.intList(input: 1, what: "starts", clamping: true),
                  let e = try context.intList(input: 2, what: "ends", clamping: true) else {
                throw context.fail("starts and ends are required")
            }
            (starts, ends) = (s, e)
            axesGiven = try context.intList(input: 3, what: "axes")
            stepsGiven = try context.intList(input: 4, what: "steps", clamping: true)
        }
        let axes = axesGiven ?? Array(0..<starts.count)
        let steps = stepsGiven ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw context.fail("starts, ends, axes and steps must have the same length")
        }
        var first = [Int](repeating: 0, count: data.rank)
        var step = [Int](repeating: 1, count: data.rank)
        var shape = data.shape
        var seen = Set<Int>()
        for (index, axisValue) in axes.enumerated() {
            let axis = try context.axis(axisValue, rank: data.rank, name: "axes")
            guard seen.insert(axis).inserted else { throw context.fail("axes \(axes) repeat an axis") }
            let size = data.shape[axis], stride = steps[index]
            guard stride != 0 else { throw context.fail("steps must not be zero") }
            var start = starts[index] < 0 ? starts[index] + size : starts[index]
            var end = ends[index] < 0 ? ends[index] + size : ends[index]
            if stride > 0 {
                start = min(max(start, 0), size)
                end = min(max(end, 0), size)
                shape[axis] = end > start ? (end - start + stride - 1) / stride : 0
            } else {
                start = min(max(start, -1), size - 1)
                end = min(max(end, -1), size - 1)
                shape[axis] = start > end ? (start - end - stride - 1) / -stride : 0
            }
            first[axis] = start
            step[axis] = stride
        }
        let count = try ONNXTensor.checkedCount(shape, context: context.node.name)
        let strides = ONNXTensor.strides(data.shape)
        var offsets = [Int](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var offset = 0
            for axis in shape.indices { offset += (first[axis] + index[axis] * step[axis]) * strides[axis] }
            offsets[position] = offset
            SlidingWindow.advance(&index, within: shape)
        }
        return [data.gathering(offsets, shape: shape)]
    }
}
