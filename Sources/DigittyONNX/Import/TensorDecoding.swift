import Foundation
import SwiftProtobuf

/// `TensorProto` → `ONNXTensor`: data from `raw_data` (little-endian) or the typed fields, checked against the shape.
enum TensorDecoding {
    static func decode(_ proto: Onnx_TensorProto, context: String) throws(ONNXError) -> ONNXTensor {
        let name = proto.name.isEmpty ? context : proto.name
        guard let type = ONNXTensor.ElementType(rawValue: Int(proto.dataType)) else {
            throw .unsupportedType(tensor: name, type: ONNXTensor.ElementType.name(of: Int(proto.dataType)))
        }
        var shape: [Int] = []
        for dimension in proto.dims {
            guard dimension >= 0, dimension < 1 << 40 else { throw .badTensor(name: name, reason: "dimension \(dimension) is out of range") }
            shape.append(Int(dimension))
        }
        let count = try ONNXTensor.checkedCount(shape, context: "tensor '\(name)'")
        guard proto.dataLocation != .external else {
            throw .badTensor(name: name, reason: "its data is stored in an external file, which digitty does not read")
        }
        guard !proto.hasSegment else { throw .badTensor(name: name, reason: "segmented tensors are not supported") }
        if proto.hasRawData {
            let raw = proto.rawData
            guard raw.count == count * type.byteWidth else {
                throw .badTensor(name: name, reason: "raw_data has \(raw.count) bytes, shape \(shape) of \(type.name) needs \(count * type.byteWidth)")
            }
            return raw.withUnsafeBytes { bytes in decodeRaw(bytes, type: type, count: count, shape: shape) }
        }
        func check(_ found: Int, _ field: String) throws(ONNXError) {
            guard found == count else {
                throw .badTensor(name: name, reason: "\(field) has \(found) values, shape \(shape) needs \(count)")
            }
        }
        switch type {
        case .float:
            try check(proto.floatData.count, "float_data")
            return ONNXTensor(shape: shape, floats: proto.floatData)
        case .int64:
            try check(proto.int64Data.count, "int64_data")
            return ONNXTensor(shape: shape, integers: proto.int64Data)
        case .uint32, .uint64:
            try check(proto.uint64Data.count, "uint64_data")
            return ONNXTensor(shape: shape, integers: proto.uint64Data.map { type.wrap(Int64(bitPattern: $0)) }, type: type)
        case .int32, .int16, .int8, .uint16, .uint8, .bool:
            try check(proto.int32Data.count, "int32_data")
            return ONNXTensor(shape: shape, integers: proto.int32Data.map { type.wrap(Int64($0)) }, type: type)
        }
    }

    static func decodeRaw(_ bytes: UnsafeRawBufferPointer, type: ONNXTensor.ElementType, count: Int, shape: [Int]) -> ONNXTensor {
        func load<T: FixedWidthInteger>(_: T.Type) -> [T] {
            (0..<count).map { T(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
        switch type {
        case .float:
            return ONNXTensor(shape: shape, floats: load(UInt32.self).map { Float(bitPattern: $0) })
        case .uint8: return ONNXTensor(shape: shape, integers: load(UInt8.self).map { Int64($0) }, type: type)
        case .bool: return ONNXTensor(shape: shape, integers: load(UInt8.self).map { $0 != 0 ? 1 : 0 }, type: type)
        case .int8: return ONNXTensor(shape: shape, integers: load(Int8.self).map { Int64($0) }, type: type)
        case .uint16: return ONNXTensor(shape: shape, integers: load(UInt16.self).map { Int64($0) }, type: type)
        case .int16: return ONNXTensor(shape: shape, integers: load(Int16.self).map { Int64($0) }, type: type)
        case .int32: return ONNXTensor(shape: shape, integers: load(Int32.self).map { Int64($0) }, type: type)
        case .uint32: return ONNXTensor(shape: shape, integers: load(UInt32.self).map { Int64($0) }, type: type)
        case .int64: return ONNXTensor(shape: shape, integers: load(Int64.self), type: type)
        case .uint64: return ONNXTensor(shape: shape, integers: load(UInt64.self).map { Int64(bitPattern: $0) }, type: type)
        }
    }

    /// `ONNXTensor` → `TensorProto` with `raw_data`, for export and tests.
    static func encode(_ tensor: ONNXTensor, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map { Int64($0) }
        proto.dataType = Int32(tensor.type.rawValue)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tensor.count * tensor.type.byteWidth)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        switch tensor.storage {
        case let .float(values): for value in values { append(value.bitPattern) }
        case let .integer(values):
            for value in values {
                switch tensor.type.byteWidth {
                case 1: append(UInt8(truncatingIfNeeded: value))
                case 2: append(UInt16(truncatingIfNeeded: value))
                case 4: append(UInt32(truncatingIfNeeded: value))
                default: append(value)
                }
            }
        }
        proto.rawData = Data(bytes)
        return proto
    }
}
