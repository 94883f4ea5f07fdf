/// Operators that change only the shape: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Shape.
enum Shaping {
    static func reshape(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let requested: [Int]
        if context.opset < 5 {
            guard let shape = try context.ints("shape") else { throw context.attributeError("shape", "is required") }
            requested = shape
        } else {
            guard let shape = try context.intList(input: 1, what: "shape") else { throw context.fail("input 1 (shape) is required") }
            requested = shape
        }
        let allowZero = try context.int("allowzero", default: 0) != 0
        var shape: [Int] = []
        var inferred: Int?
        for (axis, dimension) in requested.enumerated() {
            switch dimension {
            case -1:
                guard inferred == nil else { throw context.fail("shape \(requested) has more than one -1") }
                inferred = axis
                shape.append(1)
            case 0 where !allowZero:
                guard axis < x.rank else { throw context.fail("shape \(requested) copies dimension \(axis) of a rank-\(x.rank) input") }
                shape.append(x.shape[axis])
            case let value where value >= 0:
                shape.append(value)
            default:
                throw context.fail("shape \(requested) has a negative dimension")
            }
        }
        if let axis = inferred {
            let known = try ONNXTensor.checkedCount(shape, context: context.node.name)
            guard known > 0, x.count % known == 0 else {
                throw context.fail("cannot reshape \(x.shape) (\(x.count) elements) to \(requested)")
            }
            shape[axis] = x.count / known
        }
        guard try ONNXTensor.checkedCount(shape, context: context.node.name) == x.count else {
            throw context.fail("cannot reshape \(x.shape) (\(x.count) elements) to \(requested)")
        }
        return [x.reshaped(shape)]
    }

    static func flatten(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let axisValue = try context.int("axis", default: 1)
        guard axisValue >= -x.rank, axisValue <= x.rank else {
            throw context.fail("axis \(axisValue) is out of range for rank \(x.rank)")
        }
        let axis = axisValue < 0 ? axisValue + x.rank : axisValue
        let outer = x.shape[..<axis].reduce(1, *)
        return [x.reshaped([outer, x.shape[axis...].reduce(1, *)])]
    }

    static func squeeze(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let given = context.opset < 13 ? try context.ints("axes") : try context.intList(input: 1, what: "axes")
        var axes = Set<Int>()
        if let given {
            for value in given { axes.insert(try context.axis(value, rank: x.rank, name: "axes")) }
            for axis in axes where x.shape[axis] != 1 {
                throw context.fail("cannot squeeze axis \(axis) of size \(x.shape[axis])")
            }
        } else {
            axes = Set(x.shape.indices.filter { x.shape[$0] == 1 })
        }
        return [x.reshaped(x.shape.indices.filter { !axes.contains($0) }.map { x.shape[$0] })]
    }

    static func unsqueeze(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let given = context.opset < 13 ? try context.ints("axes") : try context.intList(input: 1, what: "axes")
        guard let given else { throw context.fail("axes are required") }
        let rank = x.rank + given.count
        var axes = Set<Int>()
        for value in given {
            guard axes.insert(try context.axis(value, rank: rank, name: "axes")).inserted else {
                throw context.fail("axes \(given) repeat an axis")
            }
        }
        var shape: [Int] = []
        var source = x.shape.makeIterator()
        for axis in 0..<rank { shape.append(axes.contains(axis) ? 1 : source.next() ?? 1) }
        return [x.reshaped(shape)]
    }

    static func identity(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        [try context.input(0)]
    }

    /// The input's shape as a 1-D INT64 tensor (optionally a `start…end` slice of it, opset 15).
    static func shape(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + x.rank : value, 0), x.rank) }
        let start = clamp(try context.int("start", default: 0))
        let end = clamp(try context.int("end", default: x.rank))
        let dims = start < end ? Array(x.shape[start..<end]) : []
        return [ONNXTensor(shape: [dims.count], integers: dims.map { Int64($0) })]
    }
}
