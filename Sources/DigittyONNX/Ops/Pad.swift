/// Pad: constant, edge, reflect and wrap modes, pads from an input (opset 11+) or attribute (before).
enum Pad {
    static func run(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let mode = try context.string("mode", default: "constant")
        var pads: [Int]
        var constant: ONNXTensor?
        var axes = Array(0..<x.rank)
        if context.opset < 11 {
            let attribute = try context.ints("pads"), older = try context.ints("paddings")
            guard let given = attribute ?? older else { throw context.attributeError("pads", "is required") }
            pads = given
            constant = ONNXTensor(shape: [], floats: [try context.float("value", default: 0)])
        } else {
            guard let given = try context.intList(input: 1, what: "pads") else { throw context.fail("input 1 (pads) is required") }
            pads = given
            constant = try context.scalarInput(2, what: "constant_value")
            if let given = try context.intList(input: 3, what: "axes") {
                axes = []
                for value in given { axes.append(try context.axis(value, rank: x.rank, name: "axes")) }
                guard Set(axes).count == axes.count else { throw context.fail("axes \(given) repeat an axis") }
            }
        }
        guard pads.count == 2 * axes.count else { throw context.fail("pads \(pads) must have \(2 * axes.count) values") }
        var before = [Int](repeating: 0, count: x.rank), after = before
        for (index, axis) in axes.enumerated() { (before[axis], after[axis]) = (pads[index], pads[axes.count + index]) }
        var shape = x.shape
        for axis in shape.indices {
            shape[axis] += before[axis] + after[axis]
            guard shape[axis] >= 0 else { throw context.fail("pads \(pads) remove more than axis \(axis) holds") }
            if mode != "constant" && x.shape[axis] == 0 && shape[axis] > 0 {
                throw context.fail("\(mode) padding of an empty axis")
            }
            if mode == "reflect" && (before[axis] >= x.shape[axis] || after[axis] >= x.shape[axis]) && (before[axis] > 0 || after[axis] > 0) {
                throw context.fail("reflect pads \(before[axis]), \(after[axis]) must be smaller than axis \(axis) (\(x.shape[axis]))")
            }
        }
        guard ["constant", "edge", "reflect", "wrap"].contains(mode) else {
            throw context.attributeError("mode", "'\(mode)' is not constant, edge, reflect or wrap")
        }
        let count = try ONNXTensor.checkedCount(shape, context: context.node.name)
        let strides = ONNXTensor.strides(x.shape)
        var offsets = [Int](repeating: -1, count: count)
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<count {
            var offset = 0, inside = true
            for axis in shape.indices {
                var coordinate = index[axis] - before[axis]
                let size = x.shape[axis]
                if coordinate < 0 || coordinate >= size {
                    switch mode {
                    case "edge": coordinate = min(max(coordinate, 0), size - 1)
                    case "reflect":
                        let period = 2 * (size - 1)
                        if period == 0 { coordinate = 0 } else {
                            coordinate = ((coordinate % period) + period) % period
                            if coordinate >= size { coordinate = period - coordinate }
                        }
                    case "wrap": coordinate = ((coordinate % size) + size) % size
                    default: inside = false
                    }
                }
                offset += coordinate * strides[axis]
            }
            offsets[position] = inside ? offset : -1
            SlidingWindow.advance(&index, within: shape)
        }
        switch x.storage {
        case let .float(values):
            let fill = constant?.floatValues.first ?? 0
            return [ONNXTensor(shape: shape, floats: offsets.map { $0 >= 0 ? values[$0] : fill })]
        case let .integer(values):
            let fill = constant?.integerValues.first ?? 0
            return [ONNXTensor(shape: shape, integers: offsets.map { $0 >= 0 ? values[$0] : fill }, type: x.type)]
        }
    }
}
