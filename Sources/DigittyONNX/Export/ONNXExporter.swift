import DigittyEngine
import Foundation
import SwiftProtobuf

/// Writes native sequential models as ONNX (IR 7, opset 13): input `input` float `[N, H, W, 1]` (NHWC, scaled
/// as the model's `InputSpec` says, recorded in `metadata_props`), output `probs` float `[N, classes]`.
/// Convolutions and pooling run in ONNX's NCHW with transposes around them; weights are re-laid out.
public enum ONNXExporter {
    public static let opset: Int64 = 13
    public static let inputName = "input"
    public static let outputName = "probs"

    /// The serialized `ModelProto`.
    public static func export(_ model: SequentialModel) throws(ONNXError) -> [UInt8] {
        var builder = GraphBuilder()
        let batch = "N"
        var current = inputName
        var channelsFirst = false
        // From the [N, H, W, 1] input to the model's own sample shape.
        if model.input.sampleShape != [model.input.height, model.input.width, 1] {
            current = builder.add("Reshape", [current, builder.constant([-1] + model.input.sampleShape.map(Int64.init), "input_shape")])
        }
        func toChannelsFirst() {
            if !channelsFirst { current = builder.add("Transpose", [current], ["perm": .ints([0, 3, 1, 2])]); channelsFirst = true }
        }
        func toChannelsLast() {
            if channelsFirst { current = builder.add("Transpose", [current], ["perm": .ints([0, 2, 3, 1])]); channelsFirst = false }
        }
        for (index, layer) in model.layers.enumerated() {
            let inputShape = model.shapes[index]
            switch layer.spec {
            case let .conv2D(_, kernel, stride, padding):
                guard let conv = layer as? Conv2D, let w = conv.weight.scalars as [Float]? else { throw unsupported(layer) }
                toChannelsFirst()
                let (kh, kw, channels, filters) = (conv.weight.shape[0], conv.weight.shape[1], conv.weight.shape[2], conv.weight.shape[3])
                var oihw = [Float](repeating: 0, count: w.count)
                for m in 0..<filters {
                    for c in 0..<channels {
                        for i in 0..<kh {
                            for j in 0..<kw { oihw[((m * channels + c) * kh + i) * kw + j] = w[((i * kw + j) * channels + c) * filters + m] }
                        }
                    }
                }
                let weight = builder.constant(ONNXTensor(shape: [filters, channels, kh, kw], floats: oihw), "layers.\(index).weight")
                let bias = builder.constant(ONNXTensor(conv.bias), "layers.\(index).bias")
                current = builder.add("Conv", [current, weight, bias], window(kernel, stride, padding, inputShape))
            case let .maxPool2D(size, stride, padding), let .averagePool2D(size, stride, padding):
                toChannelsFirst()
                let op = layer.spec.typeName == "maxpool2d" ? "MaxPool" : "AveragePool"
                current = builder.add(op, [current], window(size, stride ?? size, padding, inputShape))
            case .globalAveragePool:
                toChannelsFirst()
                current = builder.add("GlobalAveragePool", [current])
                current = builder.add("Flatten", [current], ["axis": .int(1)])
                channelsFirst = false
            case .dense:
                guard let dense = layer as? Dense else { throw unsupported(layer) }
                toChannelsLast()
                let weight = builder.constant(ONNXTensor(dense.weight), "layers.\(index).weight")
                let bias = builder.constant(ONNXTensor(dense.bias), "layers.\(index).bias")
                current = builder.add("Gemm", [current, weight, bias])
            case .flatten:
                toChannelsLast()
                current = builder.add("Flatten", [current], ["axis": .int(1)])
            case .relu:
                current = builder.add("Relu", [current])
            case let .leakyReLU(alpha):
                current = builder.add("LeakyRelu", [current], ["alpha": .float(alpha)])
            case .dropout:
                continue
            case .softmax:
                toChannelsLast()
                current = builder.add("Softmax", [current], ["axis": .int(-1)])
            case let .batchNorm(epsilon):
                guard let norm = layer as? BatchNorm else { throw unsupported(layer) }
                if inputShape.count == 3 { toChannelsFirst() }
                guard inputShape.count == 3 || inputShape.count == 1 else { throw unsupported(layer) }
                let parameters = [norm.gamma, norm.beta, norm.mean, norm.variance].enumerated().map { offset, tensor in
                    builder.constant(ONNXTensor(tensor), "layers.\(index).\(["gamma", "beta", "mean", "variance"][offset])")
                }
                current = builder.add("BatchNormalization", [current] + parameters, ["epsilon": .float(epsilon)])
            }
        }
        toChannelsLast()
        if model.layers.last?.spec != .softmax { current = builder.add("Softmax", [current], ["axis": .int(-1)]) }
        guard let classes = model.shapes.last, classes.count == 1 else {
            throw .badInput("the model's output \(model.shapes.last ?? []) is not [classes]")
        }
        builder.rename(current, to: outputName)

        var graph = Onnx_GraphProto()
        graph.name = model.name
        graph.node = builder.nodes
        graph.initializer = builder.initializers
        graph.input = [valueInfo(inputName, [.symbolic(batch), .fixed(model.input.height), .fixed(model.input.width), .fixed(1)])]
        graph.output = [valueInfo(outputName, [.symbolic(batch), .fixed(classes[0])])]
        var proto = Onnx_ModelProto()
        proto.irVersion = 7
        proto.producerName = "digitty"
        proto.producerVersion = "1"
        proto.docString = "digitty model '\(model.name)': \(model.specs.map(\.summary).joined(separator: " → "))"
        var opsetImport = Onnx_OperatorSetIdProto()
        opsetImport.domain = ""
        opsetImport.version = opset
        proto.opsetImport = [opsetImport]
        proto.graph = graph
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (key, value) in [(ONNXModel.inputMetadataKey, try? encoder.encode(model.input)),
                             (ONNXModel.provenanceMetadataKey, try? encoder.encode(model.provenance)),
                             (ONNXModel.calibrationMetadataKey, try? encoder.encode(model.calibration))] {
            guard let value else { continue }
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = String(decoding: value, as: UTF8.self)
            proto.metadataProps.append(entry)
        }
        do {
            return try proto.serializedBytes()
        } catch {
            throw .malformed("cannot serialize the model: \(error)")
        }
    }

    /// Writes the ONNX file atomically.
    public static func write(_ model: SequentialModel, to url: URL) throws {
        try AtomicFile.write(Data(try export(model)), to: url)
    }

    static func unsupported(_ layer: any Layer) -> ONNXError {
        .unsupportedOperator(node: layer.spec.summary, op: layer.spec.typeName, reason: "no ONNX export for this layer")
    }

    /// Kernel, strides and explicit pads matching a native layer's `Padding` for an `[H, W, C]` input.
    static func window(_ size: Int, _ stride: Int, _ padding: Padding, _ input: [Int]) -> [String: ONNXAttribute] {
        var pads: [Int64] = [0, 0, 0, 0]
        if padding == .same {
            for axis in 0..<2 {
                let output = (input[axis] + stride - 1) / stride
                let total = max(0, (output - 1) * stride + size - input[axis])
                pads[axis] = Int64(total / 2)
                pads[axis + 2] = Int64(total - total / 2)
            }
        }
        return ["kernel_shape": .ints([Int64(size), Int64(size)]), "strides": .ints([Int64(stride), Int64(stride)]), "pads": .ints(pads)]
    }

    static func valueInfo(_ name: String, _ dimensions: [ONNXValueInfo.Dimension]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dimensions.map { dimension in
            var proto = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case let .fixed(size): proto.dimValue = Int64(size)
            case let .symbolic(name): proto.dimParam = name
            case .unknown: break
            }
            return proto
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(ONNXTensor.ElementType.float.rawValue)
        tensor.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }
}

/// Accumulates nodes and initializers with generated value names.
private struct GraphBuilder {
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []

    mutating func constant(_ tensor: ONNXTensor, _ name: String) -> String {
        initializers.append(TensorDecoding.encode(tensor, name: name))
        return name
    }

    mutating func constant(_ values: [Int64], _ name: String) -> String {
        constant(ONNXTensor(shape: [values.count], integers: values), name)
    }

    /// Adds a node and returns its output's name.
    mutating func add(_ op: String, _ inputs: [String], _ attributes: [String: ONNXAttribute] = [:]) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "\(op.lowercased())_\(nodes.count)"
        node.input = inputs
        node.output = [node.name]
        node.attribute = attributes.sorted { $0.key < $1.key }.map { name, value in
            var attribute = Onnx_AttributeProto()
            attribute.name = name
            switch value {
            case let .int(number): attribute.type = .int; attribute.i = number
            case let .ints(numbers): attribute.type = .ints; attribute.ints = numbers
            case let .float(number): attribute.type = .float; attribute.f = number
            default: break
            }
            return attribute
        }
        nodes.append(node)
        return node.name
    }

    /// Renames a node output (and its uses) — for the final output's name.
    mutating func rename(_ name: String, to newName: String) {
        for index in nodes.indices {
            nodes[index].output = nodes[index].output.map { $0 == name ? newName : $0 }
            nodes[index].input = nodes[index].input.map { $0 == name ? newName : $0 }
        }
    }
}
