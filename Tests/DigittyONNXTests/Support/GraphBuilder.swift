@testable import DigittyONNX
import Foundation

/// Builds small ONNX models in code for tests.
struct TestModel {
    var proto = Onnx_ModelProto()

    init(irVersion: Int64 = 8, opset: Int64 = 13) {
        proto.irVersion = irVersion
        var entry = Onnx_OperatorSetIdProto()
        entry.domain = ""
        entry.version = opset
        proto.opsetImport = [entry]
        proto.graph = Onnx_GraphProto()
    }

    mutating func input(_ name: String, _ dims: [Int64?], type: Int32 = 1) {
        proto.graph.input.append(Self.info(name, dims, type: type))
    }

    mutating func output(_ name: String, _ dims: [Int64?] = []) {
        proto.graph.output.append(Self.info(name, dims, type: 1))
    }

    mutating func initializer(_ name: String, _ tensor: ONNXTensor) {
        proto.graph.initializer.append(TensorDecoding.encode(tensor, name: name))
    }

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil,
                       ints: [String: [Int64]] = [:], int: [String: Int64] = [:], float: [String: Float] = [:]) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name ?? "\(op)_\(proto.graph.node.count)"
        node.input = inputs
        node.output = outputs
        for (key, value) in ints.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto(); attribute.name = key; attribute.type = .ints; attribute.ints = value
            node.attribute.append(attribute)
        }
        for (key, value) in int.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto(); attribute.name = key; attribute.type = .int; attribute.i = value
            node.attribute.append(attribute)
        }
        for (key, value) in float.sorted(by: { $0.key < $1.key }) {
            var attribute = Onnx_AttributeProto(); attribute.name = key; attribute.type = .float; attribute.f = value
            node.attribute.append(attribute)
        }
        proto.graph.node.append(node)
    }

    var bytes: [UInt8] { (try? proto.serializedBytes()) ?? [] }

    func decode() throws(ONNXError) -> ONNXFile.Contents { try ONNXFile.decode(bytes) }

    static func info(_ name: String, _ dims: [Int64?], type: Int32) -> Onnx_ValueInfoProto {
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = type
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if let size { dimension.dimValue = size } else { dimension.dimParam = "N" }
            return dimension
        }
        tensor.shape = shape
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }
}

/// Deterministic pseudo-random floats in [-scale, scale).
struct SeededValues {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }
}
