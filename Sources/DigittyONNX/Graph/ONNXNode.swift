/// An attribute value of a node, as the importer decoded it.
public enum ONNXAttribute: Sendable, Equatable {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(ONNXTensor)
    case floats([Float])
    case ints([Int64])
    case strings([String])
}

/// One operator application in a graph: `outputs = opType(inputs; attributes)`.
public struct ONNXNode: Sendable {
    /// The node's name, or `#index` when the file gives none.
    public let name: String
    public let opType: String
    /// Input value names; an empty string is an omitted optional input.
    public let inputs: [String]
    /// Output value names; an empty string is an output nobody uses.
    public let outputs: [String]
    public let attributes: [String: ONNXAttribute]

    public init(name: String, opType: String, inputs: [String], outputs: [String],
                attributes: [String: ONNXAttribute] = [:]) {
        self.name = name
        self.opType = opType
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}

/// What an operator sees when it runs: its node, the opset, and its input values.
struct OperatorContext {
    let node: ONNXNode
    let opset: Int
    let inputs: [ONNXTensor?]

    /// A required input.
    func input(_ index: Int) throws(ONNXError) -> ONNXTensor {
        guard index < inputs.count, let value = inputs[index] else { throw fail("input \(index) is required") }
        return value
    }

    /// An optional input (absent or given as an empty name).
    func optionalInput(_ index: Int) -> ONNXTensor? { index < inputs.count ? inputs[index] : nil }

    /// A required float input.
    func floatInput(_ index: Int) throws(ONNXError) -> (shape: [Int], values: [Float]) {
        let tensor = try input(index)
        guard let values = tensor.floats else { throw fail("input \(index) must be FLOAT, got \(tensor.type.name)") }
        return (tensor.shape, values)
    }

    func fail(_ reason: String) -> ONNXError { .badOperand(node: node.name, op: node.opType, reason: reason) }

    func attributeError(_ name: String, _ reason: String) -> ONNXError {
        .badAttribute(node: node.name, op: node.opType, attribute: name, reason: reason)
    }

    func int(_ name: String, default value: Int) throws(ONNXError) -> Int {
        switch node.attributes[name] {
        case nil: return value
        case let .int(number)?:
            guard let result = OperatorContext.bounded(number) else { throw attributeError(name, "\(number) is out of range") }
            return result
        default: throw attributeError(name, "must be an integer")
        }
    }

    func float(_ name: String, default value: Float) throws(ONNXError) -> Float {
        switch node.attributes[name] {
        case nil: return value
        case let .float(number)?: return number
        case let .int(number)?: return Float(number)
        default: throw attributeError(name, "must be a float")
        }
    }

    func string(_ name: String, default value: String) throws(ONNXError) -> String {
        switch node.attributes[name] {
        case nil: return value
        case let .string(text)?: return text
        default: throw attributeError(name, "must be a string")
        }
    }

    /// An integer-list attribute. With `clamping`, values beyond ±2⁴⁰ are clamped to it (for Slice's starts and
    /// ends, where INT64_MIN and INT64_MAX mean "from the very end" and "to the very end"); else they are an error.
    func ints(_ name: String, clamping: Bool = false) throws(ONNXError) -> [Int]? {
        let numbers: [Int64]
        switch node.attributes[name] {
        case nil: return nil
        case let .ints(list)?: numbers = list
        case let .int(number)?: numbers = [number]
        default: throw attributeError(name, "must be a list of integers")
        }
        var result: [Int] = []
        result.reserveCapacity(numbers.count)
        for number in numbers {
            guard let value = OperatorContext.bounded(number, clamping: clamping) else {
                throw attributeError(name, "\(number) is out of range")
            }
            result.append(value)
        }
        return result
    }

    /// The largest magnitude an integer from a file may have where it sizes, indexes or offsets something: far
    /// beyond any real tensor, and small enough that sums and products of a few of them cannot overflow.
    static let integerLimit: Int64 = 1 << 40

    /// `number` as an Int when within ±`integerLimit` (clamped to it with `clamping`), else nil. No `abs`:
    /// `abs(Int64.min)` overflows.
    static func bounded(_ number: Int64, clamping: Bool = false) -> Int? {
        if clamping { return Int(min(max(number, -integerLimit), integerLimit)) }
        return (-integerLimit...integerLimit).contains(number) ? Int(number) : nil
    }

    /// An axis attribute or value normalised to 0..<rank.
    func axis(_ value: Int, rank: Int, name: String = "axis") throws(ONNXError) -> Int {
        guard value >= -rank, value < rank else { throw fail("\(name) \(value) is out of range for rank \(rank)") }
        return value < 0 ? value + rank : value
    }

    /// An integer list given as an input tensor (e.g. Reshape's shape, Pad's pads); `clamping` as for `ints`.
    func intList(input index: Int, what: String, clamping: Bool = false) throws(ONNXError) -> [Int]? {
        guard let tensor = optionalInput(index) else { return nil }
        guard let values = tensor.integers, tensor.rank <= 1 else { throw fail("\(what) must be a 1-D integer tensor") }
        var result: [Int] = []
        result.reserveCapacity(values.count)
        for value in values {
            // A UINT64 above Int64.max is stored with its bit pattern: read it as the huge number it is.
            let number = tensor.type == .uint64 && value < 0 ? Int64.max : value
            guard let bounded = OperatorContext.bounded(number, clamping: clamping) else {
                throw fail("\(what) value \(tensor.type == .uint64 ? String(UInt64(bitPattern: value)) : String(value)) is out of range")
            }
            result.append(bounded)
        }
        return result
    }

    /// The single value of a 0-d or one-element tensor input, as a tensor of the same type.
    func scalarInput(_ index: Int, what: String) throws(ONNXError) -> ONNXTensor? {
        guard let tensor = optionalInput(index) else { return nil }
        guard tensor.count == 1 else { throw fail("\(what) must hold one value, got shape \(tensor.shape)") }
        return tensor
    }
}
