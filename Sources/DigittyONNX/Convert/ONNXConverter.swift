import DigittyEngine

/// Why a graph could not be converted to a native sequential model.
public struct ConversionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description.onOneLine }
}

/// Turns a Sequential-shaped ONNX graph (a chain of Conv, pooling, activations, MatMul/Gemm + Add, BatchNorm,
/// Softmax, with Reshape/Transpose/Flatten between them) into a native `SequentialModel` that runs on the
/// engine's fused kernels. Weights are re-laid out (OIHW → HWIO, NCHW flatten order → NHWC), and the result
/// is checked against the graph on probe images before it is returned.
public enum ONNXConverter {
    /// The converted model, or why the graph is not Sequential-shaped or does not convert exactly.
    public static func convert(_ model: ONNXModel) throws(ConversionError) -> SequentialModel {
        var walk = try Walk(model)
        let native = try walk.run()
        try verify(native, against: model)
        return native
    }

    /// The largest probability difference between the converted model and the graph tolerated on probes.
    static let tolerance: Float = 1e-5

    static func verify(_ native: SequentialModel, against model: ONNXModel) throws(ConversionError) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let count = 3, pixels = model.input.height * model.input.width
        let images = (0..<count * pixels).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        let batch = Tensor(shape: [count, model.input.height, model.input.width, 1], scalars: images)
        do {
            let expected = try model.probabilities(for: batch), actual = try native.probabilities(for: batch)
            guard expected.shape == actual.shape else { throw ConversionError("output shapes differ: \(actual.shape) vs \(expected.shape)") }
            let difference = zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max() ?? 0
            guard difference <= tolerance else {
                throw ConversionError("the converted model differs from the graph by \(difference) on probe images")
            }
        } catch let error as ConversionError {
            throw error
        } catch {
            throw ConversionError("probe run failed: \(error)")
        }
    }
}

/// The walk along the graph's chain of data values, emitting native layers.
private struct Walk {
    /// How the ONNX value at hand relates to the native activation.
    enum Relation: Equatable {
        /// Same elements in the same row-major order (shapes may differ).
        case sameOrder
        /// ONNX `[C, H, W]` per sample, native `[H, W, C]`.
        case channelsFirst
        /// ONNX is the flattening of a channels-first `[C, H, W]`; native holds `[H, W, C]` order.
        case flattenedChannelsFirst(height: Int, width: Int, channels: Int)
    }

    let model: ONNXModel
    let graph: ONNXGraph
    /// Every computed value for probe batches of two sizes.
    let traces: [[String: ONNXTensor]]
    let batches: [Int]
    var layers: [any Layer] = []
    var inputShape: [Int]
    var nativeShape: [Int]
    var relation = Relation.sameOrder
    var current: String

    init(_ model: ONNXModel) throws(ConversionError) {
        self.model = model
        graph = model.graph
        batches = model.fixedBatch.map { [$0] } ?? [2, 3]
        var traces: [[String: ONNXTensor]] = []
        for batch in batches {
            let probe = ONNXTensor(shape: [batch] + model.input.sampleShape,
                                   floats: (0..<batch * model.input.height * model.input.width).map { Float($0 % 7) / 7 })
            do {
                var values = try model.graph.trace([model.inputName: probe])
                values[model.inputName] = probe
                traces.append(values)
            } catch {
                throw ConversionError("the graph does not run: \(error)")
            }
        }
        self.traces = traces
        inputShape = model.input.sampleShape
        nativeShape = inputShape
        current = model.inputName
    }

    func shape(_ name: String) throws(ConversionError) -> [Int] {
        guard let value = traces[0][name] else { throw ConversionError("value '\(name)' was not computed") }
        for (trace, batch) in zip(traces, batches) {
            guard let shape = trace[name]?.shape, shape.first == batch else {
                throw ConversionError("value '\(name)' does not keep the batch as its first dimension")
            }
        }
        return Array(value.shape.dropFirst())
    }

    func constant(_ node: ONNXNode, _ index: Int) throws(ConversionError) -> ONNXTensor {
        guard index < node.inputs.count, let value = graph.constants[node.inputs[index]] else {
            throw ConversionError("node '\(node.name)' (\(node.opType)): input \(index) must be a constant")
        }
        return value
    }

    mutating func run() throws(ConversionError) -> SequentialModel {
        // Values that carry image data (Shape reads only a shape, so its output does not).
        var data: Set<String> = [current]
        var chain: [ONNXNode] = []
        for node in graph.nodes {
            let dataInputs = node.inputs.filter { data.contains($0) }
            guard !dataInputs.isEmpty, node.opType != "Shape" else { continue }
            guard dataInputs.count == 1, Self.takesData(node, from: dataInputs[0]) else {
                throw ConversionError("node '\(node.name)' (\(node.opType)) combines several data values; only chains convert")
            }
            chain.append(node)
            for output in node.outputs where !output.isEmpty { data.insert(output) }
        }
        var index = 0
        while index < chain.count {
            let node = chain[index]
            guard Self.takesData(node, from: current) else {
                throw ConversionError("node '\(node.name)' (\(node.opType)) branches off the chain")
            }
            let next = index + 1 < chain.count ? chain[index + 1] : nil
            let consumedNext = try convert(node, next: next)
            current = consumedNext ? next!.outputs[0] : node.outputs[0]
            index += consumedNext ? 2 : 1
        }
        guard current == graph.outputs.first?.name else { throw ConversionError("the chain does not end at the graph's output") }
        guard nativeShape.count == 1 else { throw ConversionError("the output is not [batch, classes]") }
        let input = InputSpec(height: model.input.height, width: model.input.width, scaling: model.input.scaling,
                              sampleShape: inputShape, mnistPreprocessing: model.input.mnistPreprocessing)
        var provenance = model.provenance
        provenance.notes = [provenance.notes, "converted from ONNX model '\(model.name)'"].compactMap { $0 }.joined(separator: "; ")
        do {
            return try SequentialModel(name: model.name, input: input, layers: layers, provenance: provenance,
                                       calibration: model.calibration)
        } catch {
            throw ConversionError("the native model does not fit together: \(error)")
        }
    }

    /// Whether `value` is the input of `node` that carries the data along the chain: its first input, or
    /// either operand of an Add (a bias Add may name the constant first).
    static func takesData(_ node: ONNXNode, from value: String) -> Bool {
        node.opType == "Add" ? node.inputs.contains(value) : node.inputs.first == value
    }

    /// Converts one node; returns true when it also consumed `next` (a bias Add after Conv, MatMul or Gemm).
    mutating func convert(_ node: ONNXNode, next: ONNXNode?) throws(ConversionError) -> Bool {
        let output = try shape(node.outputs[0])
        let context = OperatorContext(node: node, opset: graph.opset, inputs: [])
        func attempt<T>(_ body: () throws(ONNXError) -> T) throws(ConversionError) -> T {
            do { return try body() } catch { throw ConversionError(error.description) }
        }
        switch node.opType {
        case "Identity":
            return false
        case "Dropout":
            guard node.outputs.count < 2 || node.outputs[1].isEmpty else { throw ConversionError("Dropout's mask is used") }
            return false
        case "Relu":
            layers.append(ReLU())
        case "LeakyRelu":
            layers.append(LeakyReLU(alpha: try attempt { () throws(ONNXError) in try context.float("alpha", default: 0.01) }))
        case "Reshape", "Flatten", "Squeeze", "Unsqueeze":
            try reshape(to: output, node: node)
        case "Transpose":
            let perm = try attempt { () throws(ONNXError) in try context.ints("perm") } ?? []
            try transpose(perm, output: output, node: node)
        case "Conv":
            return try conv(node, context: context, next: next, output: output)
        case "MaxPool", "AveragePool":
            try pool(node, context: context, output: output)
        case "GlobalAveragePool":
            try needImage(node)
            layers.append(GlobalAveragePool())
            nativeShape = [nativeShape[2]]
            relation = .sameOrder
        case "BatchNormalization":
            guard try attempt({ () throws(ONNXError) in try context.int("training_mode", default: 0) }) == 0,
                  node.outputs.count == 1 else { throw ConversionError("BatchNormalization in training mode") }
            guard relation == .channelsFirst || (relation == .sameOrder && nativeShape.count == 1) else {
                throw ConversionError("BatchNormalization over a layout digitty cannot map")
            }
            let values = try (1...4).map { (index: Int) throws(ConversionError) -> Tensor in
                guard let tensor = try constant(node, index).engineTensor else { throw ConversionError("BatchNormalization parameters must be FLOAT") }
                return tensor.reshaped([tensor.count])
            }
            let epsilon = try attempt { () throws(ONNXError) in try context.float("epsilon", default: 1e-5) }
            layers.append(try native { () throws(ModelError) in
                try BatchNorm(gamma: values[0], beta: values[1], mean: values[2], variance: values[3], epsilon: epsilon)
            })
        case "MatMul", "Gemm":
            return try dense(node, context: context, next: next, output: output)
        case "Softmax", "LogSoftmax":
            guard node.outputs[0] == graph.outputs.first?.name, output.count == 1, nativeShape.count == 1,
                  relation == .sameOrder else {
                throw ConversionError("\(node.opType) must be the last node, over the classes")
            }
            // A final LogSoftmax is dropped: the classifier's softmax of it equals the softmax of its input.
            if node.opType == "Softmax" { layers.append(Softmax()) }
        default:
            throw ConversionError("node '\(node.name)' (\(node.opType)) has no native layer")
        }
        return false
    }

    func native<T>(_ body: () throws(ModelError) -> T) throws(ConversionError) -> T {
        do { return try body() } catch { throw ConversionError(error.description) }
    }

    /// The native activation viewed as `shape` (same element order): free before the first layer
    /// (the input's shape is chosen), a Flatten for 1-D, impossible otherwise.
    mutating func viewNative(as shape: [Int]) throws(ConversionError) {
        if nativeShape == shape { return }
        if layers.isEmpty {
            inputShape = shape
        } else if shape.count == 1 {
            layers.append(Flatten())
        } else {
            throw ConversionError("a reshape of \(nativeShape) to \(shape) between layers has no native form")
        }
        nativeShape = shape
    }

    /// Whether reordering to `shape` keeps the element order given ONNX `[C, H, W]`: only when C or H·W is 1.
    var channelsFirstIsOrdered: Bool {
        nativeShape.count == 3 && (nativeShape[2] == 1 || nativeShape[0] * nativeShape[1] == 1)
    }

    mutating func reshape(to output: [Int], node: ONNXNode) throws(ConversionError) {
        switch relation {
        case .sameOrder: break
        case .channelsFirst:
            if channelsFirstIsOrdered {
                relation = .sameOrder
            } else if output.count == 1 {
                relation = .flattenedChannelsFirst(height: nativeShape[0], width: nativeShape[1], channels: nativeShape[2])
            } else {
                throw ConversionError("node '\(node.name)' reshapes channels-first data to \(output)")
            }
        case .flattenedChannelsFirst:
            guard output.count == 1 else { throw ConversionError("node '\(node.name)' reshapes flattened data to \(output)") }
        }
    }

    mutating func transpose(_ given: [Int], output: [Int], node: ONNXNode) throws(ConversionError) {
        let onnx = try shape(node.inputs[0])
        let perm = given.isEmpty ? Array((0...onnx.count).reversed()) : given
        guard perm.first == 0 else { throw ConversionError("node '\(node.name)' transposes the batch axis") }
        let axes = perm.dropFirst().map { $0 - 1 }
        let moving = axes.filter { onnx[$0] != 1 }
        if moving == moving.sorted() {  // only size-1 axes move: a reshape
            try reshape(to: output, node: node)
        } else if relation == .channelsFirst && axes == [1, 2, 0] {
            relation = .sameOrder
        } else if relation == .sameOrder && onnx.count == 3 && axes == [2, 0, 1] {
            try viewNative(as: onnx)
            relation = .channelsFirst
        } else {
            throw ConversionError("node '\(node.name)' transposes with perm \(perm), which has no native form")
        }
    }

    /// Conv and pooling need ONNX `[C, H, W]` over native `[H, W, C]`.
    mutating func needImage(_ node: ONNXNode) throws(ConversionError) {
        let onnx = try shape(node.inputs[0])
        guard onnx.count == 3 else { throw ConversionError("node '\(node.name)' (\(node.opType)) is not 2-D") }
        if relation == .channelsFirst { return }
        guard relation == .sameOrder, onnx[0] == 1 || onnx[1] * onnx[2] == 1 else {
            throw ConversionError("node '\(node.name)' (\(node.opType)) gets data in a layout digitty cannot map")
        }
        try viewNative(as: [onnx[1], onnx[2], onnx[0]])
        relation = .channelsFirst
    }

    /// The native padding for a window's attributes, when there is one.
    func padding(_ context: OperatorContext, input: [Int], output: [Int], size: Int, stride: Int) throws(ConversionError) -> Padding {
        for candidate in [Padding.valid, .same] {
            let rows = geometry(candidate, length: input[1], size: size, stride: stride)
            let columns = geometry(candidate, length: input[2], size: size, stride: stride)
            guard rows.output == output[1], columns.output == output[2] else { continue }
            let pads = (try? context.ints("pads")) ?? nil
            let autoPad = (try? context.string("auto_pad", default: "NOTSET")) ?? "NOTSET"
            let rowTotal = max(0, (rows.output - 1) * stride + size - input[1])
            let columnTotal = max(0, (columns.output - 1) * stride + size - input[2])
            let expected = candidate == .valid ? [0, 0, 0, 0]
                : [rows.padBefore, columns.padBefore, rowTotal - rows.padBefore, columnTotal - columns.padBefore]
            switch autoPad {
            case "VALID" where candidate == .valid, "SAME_UPPER" where candidate == .same: return candidate
            case "NOTSET" where (pads ?? [0, 0, 0, 0]) == expected: return candidate
            default: continue
            }
        }
        throw ConversionError("node '\(context.node.name)' (\(context.node.opType)) pads in a way digitty's layers do not")
    }

    /// Output length and leading padding of a native layer's window (as `Padding` defines them).
    func geometry(_ padding: Padding, length: Int, size: Int, stride: Int) -> (output: Int, padBefore: Int) {
        switch padding {
        case .valid: return (length >= size ? (length - size) / stride + 1 : 0, 0)
        case .same:
            let output = (length + stride - 1) / stride
            return (output, max(0, (output - 1) * stride + size - length) / 2)
        }
    }

    /// Square kernel, equal strides, no dilation.
    func window(_ context: OperatorContext, kernel: [Int]) throws(ConversionError) -> (size: Int, stride: Int) {
        let strides = ((try? context.ints("strides")) ?? nil) ?? [1, 1]
        let dilations = ((try? context.ints("dilations")) ?? nil) ?? [1, 1]
        guard kernel.count == 2, kernel[0] == kernel[1], strides.count == 2, strides[0] == strides[1],
              dilations.allSatisfy({ $0 == 1 }), ((try? context.int("ceil_mode", default: 0)) ?? 1) == 0 else {
            throw ConversionError("node '\(context.node.name)' (\(context.node.opType)) has a window digitty's layers do not")
        }
        return (kernel[0], strides[0])
    }

    mutating func conv(_ node: ONNXNode, context: OperatorContext, next: ONNXNode?, output: [Int]) throws(ConversionError) -> Bool {
        try needImage(node)
        let input = try shape(node.inputs[0])
        let weight = try constant(node, 1)
        guard let w = weight.floats, weight.rank == 4, weight.shape[1] == input[0],
              ((try? context.int("group", default: 1)) ?? 0) == 1 else {
            throw ConversionError("node '\(node.name)' (Conv) is not a grouped-1 2-D convolution with FLOAT weights")
        }
        let (filters, channels, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (size, stride) = try window(context, kernel: [kh, kw])
        let padding = try padding(context, input: input, output: output, size: size, stride: stride)
        var hwio = [Float](repeating: 0, count: w.count)
        for m in 0..<filters {
            for c in 0..<channels {
                for i in 0..<kh {
                    for j in 0..<kw { hwio[((i * kw + j) * channels + c) * filters + m] = w[((m * channels + c) * kh + i) * kw + j] }
                }
            }
        }
        var bias = [Float](repeating: 0, count: filters)
        if node.inputs.count > 2, !node.inputs[2].isEmpty {
            guard let b = try constant(node, 2).floats, b.count == filters else { throw ConversionError("Conv bias must be [\(filters)] FLOAT") }
            bias = b
        }
        let added = try biasAdd(next, after: node, output: output, channels: filters)
        if let added { bias = zip(bias, added).map { $0 + $1 } }
        layers.append(try native { () throws(ModelError) in
            try Conv2D(weight: Tensor(shape: [kh, kw, channels, filters], scalars: hwio),
                       bias: Tensor(shape: [filters], scalars: bias), stride: stride, padding: padding)
        })
        nativeShape = [output[1], output[2], output[0]]
        return added != nil
    }

    /// When `next` adds a constant to `node`'s output that is a per-channel bias (one value per channel on
    /// axis 1 of `[batch] + output`, or one value for all), the bias, one value per channel; else nil.
    /// Older exporters write a Conv, MatMul or Gemm without bias followed by such an Add.
    func biasAdd(_ next: ONNXNode?, after node: ONNXNode, output: [Int], channels: Int) throws(ConversionError) -> [Float]? {
        guard let next, next.opType == "Add", next.inputs.count == 2, next.inputs.contains(node.outputs[0]),
              let constantName = next.inputs.first(where: { $0 != node.outputs[0] }),
              let constant = graph.constants[constantName], let values = constant.floats,
              try shape(next.outputs[0]) == output else { return nil }
        let full = [1] + output
        guard constant.rank <= full.count else { return nil }
        for (axis, size) in constant.shape.enumerated() {
            let fullAxis = full.count - constant.rank + axis
            guard size == 1 || (fullAxis == 1 && size == channels) else { return nil }
        }
        return values.count == 1 ? [Float](repeating: values[0], count: channels) : values
    }

    mutating func pool(_ node: ONNXNode, context: OperatorContext, output: [Int]) throws(ConversionError) {
        try needImage(node)
        guard node.outputs.count < 2 || node.outputs[1].isEmpty else { throw ConversionError("MaxPool's indices are used") }
        let input = try shape(node.inputs[0])
        let kernel = ((try? context.ints("kernel_shape")) ?? nil) ?? []
        let (size, stride) = try window(context, kernel: kernel)
        let padding = try padding(context, input: input, output: output, size: size, stride: stride)
        if node.opType == "MaxPool" {
            layers.append(try native { () throws(ModelError) in try MaxPool2D(size: size, stride: stride, padding: padding) })
        } else {
            guard padding == .valid || ((try? context.int("count_include_pad", default: 0)) ?? 1) == 0 else {
                throw ConversionError("AveragePool counting padding has no native form")
            }
            layers.append(try native { () throws(ModelError) in try AveragePool2D(size: size, stride: stride, padding: padding) })
        }
        nativeShape = [output[1], output[2], output[0]]
    }

    /// MatMul (with a following bias Add) or Gemm → Dense, rows permuted when the input was flattened channels-first.
    mutating func dense(_ node: ONNXNode, context: OperatorContext, next: ONNXNode?, output: [Int]) throws(ConversionError) -> Bool {
        let input = try shape(node.inputs[0])
        guard input.count == 1, output.count == 1 else { throw ConversionError("node '\(node.name)' (\(node.opType)) is not [batch, features] · [features, units]") }
        let (features, units) = (input[0], output[0])
        let weight = try constant(node, 1)
        guard let b = weight.floats, weight.rank == 2 else { throw ConversionError("node '\(node.name)': weights must be a 2-D FLOAT constant") }
        var matrix = b  // [features, units]
        var bias = [Float](repeating: 0, count: units)
        var consumedNext = false
        if node.opType == "Gemm" {
            let values = try? (context.float("alpha", default: 1), context.float("beta", default: 1),
                               context.int("transA", default: 0), context.int("transB", default: 0))
            guard let (alpha, beta, transA, transB) = values, transA == 0 else { throw ConversionError("Gemm with transA") }
            if transB != 0 { matrix = MatrixProducts.transposed(b, rows: weight.shape[0], columns: weight.shape[1]) }
            matrix = matrix.map { $0 * alpha }
            if node.inputs.count > 2, !node.inputs[2].isEmpty {
                let c = try constant(node, 2)
                guard let values = c.floats, values.count == units || values.count == 1 else { throw ConversionError("Gemm's C is not a bias") }
                bias = (0..<units).map { beta * values[values.count == 1 ? 0 : $0] }
            }
        }
        if let added = try biasAdd(next, after: node, output: output, channels: units) {
            bias = zip(bias, added).map { $0 + $1 }
            consumedNext = true
        }
        guard matrix.count == features * units else { throw ConversionError("node '\(node.name)': weights do not match [\(features), \(units)]") }
        if case let .flattenedChannelsFirst(height, width, channels) = relation {
            var permuted = matrix
            for h in 0..<height {
                for w in 0..<width {
                    for c in 0..<channels {
                        let nativeRow = (h * width + w) * channels + c, onnxRow = (c * height + h) * width + w
                        permuted[nativeRow * units..<(nativeRow + 1) * units] = matrix[onnxRow * units..<(onnxRow + 1) * units]
                    }
                }
            }
            matrix = permuted
            relation = .sameOrder
        }
        try viewNative(as: [features])
        layers.append(try native { () throws(ModelError) in
            try Dense(weight: Tensor(shape: [features, units], scalars: matrix), bias: Tensor(shape: [units], scalars: bias))
        })
        nativeShape = [units]
        return consumedNext
    }
}
