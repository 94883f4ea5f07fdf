import DigittyEngine
import Foundation
import SwiftProtobuf

/// Reading ONNX files: a serialized `ModelProto` becomes a checked, runnable `ONNXGraph`.
public enum ONNXFile {
    /// A decoded model: its graph and what the file says about it.
    public struct Contents: Sendable {
        public let graph: ONNXGraph
        public let irVersion: Int
        /// `producer_name` and `producer_version`, e.g. `tf2onnx 1.17.0`.
        public let producer: String
        /// The model's `metadata_props`.
        public let metadata: [String: String]
        /// The `op_type` of each node in the file, in file order (before any folding).
        public let operatorTypes: [String]
    }

    /// The oldest IR version digitty reads.
    public static let minimumIRVersion = 3
    /// Files larger than this are refused before reading (protobuf's own limit is 2 GiB).
    public static let maximumFileSize = 1 << 31

    /// Decodes and checks a serialized `ModelProto`.
    public static func decode(_ bytes: [UInt8]) throws(ONNXError) -> Contents {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw .malformed("not a protobuf ModelProto (\(error))")
        }
        guard model.hasIrVersion, model.irVersion >= minimumIRVersion else {
            throw .unsupportedVersion("IR version \(model.irVersion) is older than \(minimumIRVersion)")
        }
        guard model.hasGraph else { throw .malformed("the model has no graph") }
        var opset: Int?
        for entry in model.opsetImport where entry.domain.isEmpty || entry.domain == "ai.onnx" {
            opset = Int(clamping: entry.version)
        }
        guard let opset else { throw .unsupportedVersion("the model imports no ai.onnx opset") }
        let graph = model.graph
        var initializers: [String: ONNXTensor] = [:]
        for proto in graph.initializer {
            guard !proto.name.isEmpty, initializers[proto.name] == nil else {
                throw .invalidGraph("initializer '\(proto.name)' is unnamed or defined twice")
            }
            initializers[proto.name] = try TensorDecoding.decode(proto, context: "initializer")
        }
        guard graph.sparseInitializer.isEmpty else { throw .invalidGraph("sparse initializers are not supported") }
        var nodes: [ONNXNode] = []
        for (index, proto) in graph.node.enumerated() {
            let name = proto.name.isEmpty ? "#\(index)" : proto.name
            guard proto.domain.isEmpty || proto.domain == "ai.onnx" else {
                throw .unsupportedOperator(node: name, op: proto.opType, reason: "domain '\(proto.domain)' is not supported")
            }
            var attributes: [String: ONNXAttribute] = [:]
            for attribute in proto.attribute {
                guard attributes[attribute.name] == nil else {
                    throw .badAttribute(node: name, op: proto.opType, attribute: attribute.name, reason: "is given twice")
                }
                attributes[attribute.name] = try decodeAttribute(attribute, node: name, op: proto.opType)
            }
            nodes.append(ONNXNode(name: name, opType: proto.opType, inputs: proto.input, outputs: proto.output,
                                  attributes: attributes))
        }
        let onnxGraph = try ONNXGraph(nodes: nodes, initializers: initializers,
                                      inputs: try graph.input.map(valueInfo), outputs: try graph.output.map(valueInfo),
                                      opset: opset)
        let producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        var metadata: [String: String] = [:]
        for entry in model.metadataProps { metadata[entry.key] = entry.value }
        return Contents(graph: onnxGraph, irVersion: Int(model.irVersion), producer: producer, metadata: metadata,
                        operatorTypes: nodes.map(\.opType))
    }

    /// Decodes a serialized `TensorProto` (as in the ONNX test data sets).
    public static func decodeTensor(_ bytes: [UInt8]) throws(ONNXError) -> ONNXTensor {
        let proto: Onnx_TensorProto
        do {
            proto = try Onnx_TensorProto(serializedBytes: bytes)
        } catch {
            throw .malformed("not a protobuf TensorProto (\(error))")
        }
        return try TensorDecoding.decode(proto, context: "tensor")
    }

    static func valueInfo(_ proto: Onnx_ValueInfoProto) throws(ONNXError) -> ONNXValueInfo {
        guard proto.hasType else { return ONNXValueInfo(name: proto.name, elementType: 0, shape: nil) }
        guard case let .tensorType(tensor)? = proto.type.value else {
            throw .invalidGraph("value '\(proto.name)' is not a tensor; digitty runs tensor graphs only")
        }
        let shape = tensor.hasShape ? tensor.shape.dim.map { dimension -> ONNXValueInfo.Dimension in
            switch dimension.value {
            case let .dimValue(size)?: size >= 0 && size < 1 << 40 ? .fixed(Int(size)) : .unknown
            case let .dimParam(name)?: .symbolic(name)
            case nil: .unknown
            }
        } : nil
        return ONNXValueInfo(name: proto.name, elementType: Int(tensor.elemType), shape: shape)
    }

    static func decodeAttribute(_ proto: Onnx_AttributeProto, node: String, op: String) throws(ONNXError) -> ONNXAttribute {
        var type = proto.type
        if type == .undefined {  // old files leave the type out: infer it from the field that is set
            type = proto.hasF ? .float : proto.hasI ? .int : proto.hasS ? .string : proto.hasT ? .tensor
                : !proto.floats.isEmpty ? .floats : !proto.ints.isEmpty ? .ints : !proto.strings.isEmpty ? .strings : .undefined
        }
        switch type {
        case .float: return .float(proto.f)
        case .int: return .int(proto.i)
        case .string: return .string(String(decoding: proto.s, as: UTF8.self))
        case .tensor: return .tensor(try TensorDecoding.decode(proto.t, context: "attribute \(proto.name)"))
        case .floats: return .floats(proto.floats)
        case .ints: return .ints(proto.ints)
        case .strings: return .strings(proto.strings.map { String(decoding: $0, as: UTF8.self) })
        default:
            throw .badAttribute(node: node, op: op, attribute: proto.name, reason: "attributes of type \(type) are not supported")
        }
    }
}
