/// Operators that make or retype values: Constant, Cast, Dropout (inference).
enum Constants {
    static func constant(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let attributes = context.node.attributes
        guard attributes.count == 1, let (name, value) = attributes.first else {
            throw context.fail("needs exactly one value attribute, got \(attributes.keys.sorted())")
        }
        switch (name, value) {
        case let ("value", .tensor(tensor)): return [tensor]
        case let ("value_float", .float(number)): return [ONNXTensor(shape: [], floats: [number])]
        case let ("value_floats", .floats(numbers)): return [ONNXTensor(shape: [numbers.count], floats: numbers)]
        case let ("value_int", .int(number)): return [ONNXTensor(shape: [], integers: [number])]
        case let ("value_ints", .ints(numbers)): return [ONNXTensor(shape: [numbers.count], integers: numbers)]
        default: throw context.attributeError(name, "is not a supported constant value")
        }
    }

    static func cast(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        let code = try context.int("to", default: -1)
        guard let target = ONNXTensor.ElementType(rawValue: code) else {
            throw .unsupportedType(tensor: context.node.outputs.first ?? context.node.name, type: ONNXTensor.ElementType.name(of: code))
        }
        if target == .float { return [ONNXTensor(shape: x.shape, floats: x.floatValues)] }
        let values = x.type == .float && target == .bool ? x.floatValues.map { $0 != 0 ? Int64(1) : 0 } : x.integerValues
        return [ONNXTensor(shape: x.shape, integers: values.map { target.wrap($0) }, type: target)]
    }

    /// Dropout at inference: the identity, with an all-true mask. Training mode with a non-zero ratio
    /// needs a random draw and is refused.
    static func dropout(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        var training = false
        var ratio: Float = try context.float("ratio", default: 0.5)
        if context.opset >= 12 {
            ratio = try context.scalarInput(1, what: "ratio")?.floatValues.first ?? 0.5
            training = (try context.scalarInput(2, what: "training_mode")?.integerValues.first ?? 0) != 0
        }
        if training && ratio > 0 {
            throw .unsupportedOperator(node: context.node.name, op: "Dropout",
                                       reason: "training mode with ratio \(ratio) needs a random draw; digitty runs inference only")
        }
        let mask = ONNXTensor(shape: x.shape, integers: [Int64](repeating: 1, count: x.count), type: .bool)
        return [x, mask]
    }
}
