import Foundation

/// Element-wise activations: Relu, LeakyRelu, Sigmoid, Tanh, Clip.
enum Activations {
    static func relu(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        switch x.storage {
        case let .float(values): return [ONNXTensor(shape: x.shape, floats: values.map { $0 > 0 ? $0 : 0 })]
        case let .integer(values):
            return [ONNXTensor(shape: x.shape, integers: values.map { x.type.isSigned ? max($0, 0) : $0 }, type: x.type)]
        }
    }

    static func leakyRelu(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let alpha = try context.float("alpha", default: 0.01)
        return try mapFloats(context) { $0 >= 0 ? $0 : $0 * alpha }
    }

    static func sigmoid(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        try mapFloats(context) { $0 >= 0 ? 1 / (1 + exp(-$0)) : exp($0) / (1 + exp($0)) }
    }

    static func tanh(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        try mapFloats(context) { Foundation.tanh($0) }
    }

    /// `min(max(x, low), high)`; bounds come from attributes before opset 11 and from inputs after.
    static func clip(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let x = try context.input(0)
        if context.opset < 11 {
            let low = try context.float("min", default: -Float.greatestFiniteMagnitude)
            let high = try context.float("max", default: Float.greatestFiniteMagnitude)
            return try mapFloats(context) { min(max($0, low), high) }
        }
        let low = try context.scalarInput(1, what: "min"), high = try context.scalarInput(2, what: "max")
        for bound in [low, high] where bound != nil && bound?.type != x.type {
            throw context.fail("min and max must have the input's type \(x.type.name)")
        }
        switch x.storage {
        case let .float(values):
            let lower = low?.floats?.first ?? -Float.infinity, upper = high?.floats?.first ?? Float.infinity
            return [ONNXTensor(shape: x.shape, floats: values.map { min(max($0, lower), upper) })]
        case let .integer(values):
            let lower = low?.integers?.first ?? Int64.min, upper = high?.integers?.first ?? Int64.max
            return [ONNXTensor(shape: x.shape, integers: values.map { min(max($0, lower), upper) }, type: x.type)]
        }
    }

    static func mapFloats(_ context: OperatorContext, _ f: (Float) -> Float) throws(ONNXError) -> [ONNXTensor] {
        let (shape, values) = try context.floatInput(0)
        return [ONNXTensor(shape: shape, floats: values.map(f))]
    }
}
