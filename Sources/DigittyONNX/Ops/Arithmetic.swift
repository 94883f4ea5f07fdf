/// Add, Sub, Mul, Div with numpy broadcasting, on floats and on every integer type.
enum Arithmetic {
    enum Operation { case add, sub, mul, div }

    static func binary(_ operation: Operation) -> @Sendable (OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        { context throws(ONNXError) in [try apply(operation, context)] }
    }

    static func apply(_ operation: Operation, _ context: OperatorContext) throws(ONNXError) -> ONNXTensor {
        let a = try context.input(0), b = try context.input(1)
        guard a.type == b.type else { throw context.fail("operand types differ: \(a.type.name) and \(b.type.name)") }
        guard let shape = Broadcasting.shape(a.shape, b.shape) else {
            throw context.fail("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let count = try ONNXTensor.checkedCount(shape, context: "\(context.node.name) output")
        let same = a.shape == shape && b.shape == shape
        let left = same ? [] : Broadcasting.offsets(from: a.shape, to: shape)
        let right = same ? [] : Broadcasting.offsets(from: b.shape, to: shape)
        switch (a.storage, b.storage) {
        case let (.float(x), .float(y)):
            var result = [Float](repeating: 0, count: count)
            func run(_ f: (Float, Float) -> Float) {
                if same {
                    for index in 0..<count { result[index] = f(x[index], y[index]) }
                } else {
                    for index in 0..<count { result[index] = f(x[left[index]], y[right[index]]) }
                }
            }
            switch operation {
            case .add: run(+)
            case .sub: run(-)
            case .mul: run(*)
            case .div: run(/)
            }
            return ONNXTensor(shape: shape, floats: result)
        case let (.integer(x), .integer(y)):
            let type = a.type
            var result = [Int64](repeating: 0, count: count)
            let f: (Int64, Int64) -> Int64
            switch operation {
            case .add: f = { $0 &+ $1 }
            case .sub: f = { $0 &- $1 }
            case .mul: f = { $0 &* $1 }
            case .div: f = { divide($0, $1, type: type) }
            }
            for index in 0..<count {
                let (l, r) = same ? (x[index], y[index]) : (x[left[index]], y[right[index]])
                result[index] = type.wrap(f(l, r))
            }
            return ONNXTensor(shape: shape, integers: result, type: type)
        default:
            throw context.fail("operand types differ")
        }
    }

    /// Integer division truncating toward zero; division by zero gives 0 (numpy's result) instead of a trap.
    static func divide(_ x: Int64, _ y: Int64, type: ONNXTensor.ElementType) -> Int64 {
        guard y != 0 else { return 0 }
        if type == .uint64 { return Int64(bitPattern: UInt64(bitPattern: x) / UInt64(bitPattern: y)) }
        if x == Int64.min && y == -1 { return x }
        return x / y
    }
}
