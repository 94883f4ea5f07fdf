/// The declared name, element type and shape of a graph input or output.
public struct ONNXValueInfo: Sendable, Equatable {
    public enum Dimension: Sendable, Equatable {
        case fixed(Int)
        case symbolic(String)
        case unknown
    }

    public let name: String
    /// The `TensorProto.DataType` number, 0 when not declared.
    public let elementType: Int
    /// The dimensions, or nil when the rank is not declared.
    public let shape: [Dimension]?

    public init(name: String, elementType: Int, shape: [Dimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }
}

/// A checked ONNX graph ready to run: nodes in topological order over named values, initializers and
/// everything computable from them folded into constants at load.
///
/// Immutable and safe to run from many threads at once.
public struct ONNXGraph: Sendable {
    /// The nodes that depend on the graph's inputs, in an order where every value is made before it is used.
    public let nodes: [ONNXNode]
    /// Initializers and folded values, by name.
    public let constants: [String: ONNXTensor]
    /// The inputs a caller feeds (graph inputs that are not initializers).
    public let inputs: [ONNXValueInfo]
    public let outputs: [ONNXValueInfo]
    /// The default-domain opset the graph was written for.
    public let opset: Int
    /// For each node, the values no later node or output needs (freed after it runs).
    let releases: [[String]]

    /// Opsets of the default domain digitty runs.
    public static let supportedOpsets = 7...25

    /// Checks and prepares a graph: known operators and attributes, unique names, no dangling inputs, no cycles.
    public init(nodes: [ONNXNode], initializers: [String: ONNXTensor], inputs: [ONNXValueInfo],
                outputs: [ONNXValueInfo], opset: Int) throws(ONNXError) {
        guard ONNXGraph.supportedOpsets.contains(opset) else {
            throw .unsupportedVersion("ai.onnx opset \(opset) is outside \(ONNXGraph.supportedOpsets)")
        }
        var produced = Set(initializers.keys)
        var feeds: [ONNXValueInfo] = []
        for input in inputs where initializers[input.name] == nil {
            guard !input.name.isEmpty, produced.insert(input.name).inserted else {
                throw .invalidGraph("graph input '\(input.name)' is declared twice or has no name")
            }
            feeds.append(input)
        }
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            guard let op = Operators.table[node.opType] else {
                throw .unsupportedOperator(node: node.name, op: node.opType,
                                           reason: "digitty implements \(Operators.table.keys.sorted().joined(separator: ", "))")
            }
            if let unknown = node.attributes.keys.sorted().first(where: { !op.attributes.contains($0) }) {
                throw .badAttribute(node: node.name, op: node.opType, attribute: unknown, reason: "is not supported")
            }
            for output in node.outputs where !output.isEmpty {
                guard !produced.contains(output), producer[output] == nil else {
                    throw .invalidGraph("value '\(output)' of node '\(node.name)' (\(node.opType)) is defined more than once")
                }
                producer[output] = index
            }
        }
        // Kahn's algorithm: a node is ready once all its inputs exist.
        var waiting = [Int](repeating: 0, count: nodes.count)
        var consumers: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for input in node.inputs where !input.isEmpty && !produced.contains(input) {
                guard producer[input] != nil else {
                    throw .invalidGraph("input '\(input)' of node '\(node.name)' (\(node.opType)) is not a graph input, an initializer or any node's output")
                }
                waiting[index] += 1
                consumers[input, default: []].append(index)
            }
        }
        var ready = nodes.indices.filter { waiting[$0] == 0 }
        var order: [Int] = []
        while let index = ready.popLast() {
            order.append(index)
            for output in nodes[index].outputs where !output.isEmpty {
                for consumer in consumers[output] ?? [] {
                    waiting[consumer] -= 1
                    if waiting[consumer] == 0 { ready.append(consumer) }
                }
            }
        }
        if order.count < nodes.count, let stuck = nodes.indices.first(where: { waiting[$0] > 0 }) {
            throw .invalidGraph("the graph has a cycle through node '\(nodes[stuck].name)' (\(nodes[stuck].opType))")
        }
        for output in outputs where !produced.contains(output.name) && producer[output.name] == nil {
            throw .invalidGraph("graph output '\(output.name)' is not produced by any node")
        }
        guard !outputs.isEmpty else { throw .invalidGraph("the graph has no outputs") }

        // Fold every node whose inputs are all constants.
        var constants = initializers
        var remaining: [ONNXNode] = []
        for index in order {
            let node = nodes[index]
            let inputsConstant = node.inputs.allSatisfy { $0.isEmpty || constants[$0] != nil }
            if inputsConstant && Operators.isFoldable(node.opType) {
                let results = try ONNXGraph.execute(node, opset: opset, inputs: node.inputs.map { $0.isEmpty ? nil : constants[$0] })
                for (name, value) in zip(node.outputs, results) where !name.isEmpty { constants[name] = value }
            } else {
                remaining.append(node)
            }
        }
        // Drop constants nothing reads any more.
        let needed = Set(remaining.flatMap(\.inputs)).union(outputs.map(\.name))
        constants = constants.filter { needed.contains($0.key) }

        var lastUse: [String: Int] = [:]
        for (index, node) in remaining.enumerated() {
            for input in node.inputs where !input.isEmpty && constants[input] == nil { lastUse[input] = index }
        }
        let kept = Set(outputs.map(\.name))
        var releases = [[String]](repeating: [], count: remaining.count)
        for (name, index) in lastUse where !kept.contains(name) { releases[index].append(name) }

        self.nodes = remaining
        self.constants = constants
        self.inputs = feeds
        self.outputs = outputs
        self.opset = opset
        self.releases = releases
    }

    /// Runs the graph on values for its inputs; returns the outputs in declaration order.
    public func run(_ feeds: [String: ONNXTensor]) throws(ONNXError) -> [ONNXTensor] {
        let values = try evaluate(feeds, keepingIntermediates: false)
        var results: [ONNXTensor] = []
        for output in outputs {
            guard let value = values[output.name] ?? constants[output.name] else {
                throw .invalidGraph("graph output '\(output.name)' was not computed")
            }
            results.append(value)
        }
        return results
    }

    /// Every value the graph computes (not the constants) for the given inputs: for analysing a graph.
    func trace(_ feeds: [String: ONNXTensor]) throws(ONNXError) -> [String: ONNXTensor] {
        try evaluate(feeds, keepingIntermediates: true)
    }

    private func evaluate(_ feeds: [String: ONNXTensor], keepingIntermediates: Bool) throws(ONNXError) -> [String: ONNXTensor] {
        var values: [String: ONNXTensor] = [:]
        for input in inputs {
            guard let value = feeds[input.name] else { throw .badInput("no value for graph input '\(input.name)'") }
            if let declared = input.shape {
                let fits = declared.count == value.rank && zip(declared, value.shape).allSatisfy { dimension, size in
                    if case let .fixed(expected) = dimension { return expected == size }
                    return true
                }
                guard fits else { throw .badInput("input '\(input.name)' has shape \(value.shape), the graph declares \(declared.map(\.text))") }
            }
            if input.elementType != 0 && input.elementType != value.type.rawValue {
                throw .badInput("input '\(input.name)' is \(value.type.name), the graph declares \(ONNXTensor.ElementType.name(of: input.elementType))")
            }
            values[input.name] = value
        }
        for (index, node) in nodes.enumerated() {
            var arguments: [ONNXTensor?] = []
            for name in node.inputs {
                if name.isEmpty { arguments.append(nil); continue }
                guard let value = values[name] ?? constants[name] else {
                    throw .invalidGraph("value '\(name)' needed by node '\(node.name)' was not computed")
                }
                arguments.append(value)
            }
            let results = try ONNXGraph.execute(node, opset: opset, inputs: arguments)
            for (name, value) in zip(node.outputs, results) where !name.isEmpty { values[name] = value }
            if !keepingIntermediates { for name in releases[index] { values[name] = nil } }
        }
        return values
    }

    static func execute(_ node: ONNXNode, opset: Int, inputs: [ONNXTensor?]) throws(ONNXError) -> [ONNXTensor] {
        guard let op = Operators.table[node.opType] else {
            throw .unsupportedOperator(node: node.name, op: node.opType, reason: "not implemented")
        }
        let results = try op.run(OperatorContext(node: node, opset: opset, inputs: inputs))
        let wanted = node.outputs.lastIndex(where: { !$0.isEmpty }).map { $0 + 1 } ?? 0
        guard results.count >= wanted else {
            throw .badOperand(node: node.name, op: node.opType, reason: "declares \(wanted) outputs, digitty computes \(results.count)")
        }
        return results
    }
}

extension ONNXValueInfo.Dimension {
    var text: String {
        switch self {
        case let .fixed(size): "\(size)"
        case let .symbolic(name): name
        case .unknown: "?"
        }
    }
}
