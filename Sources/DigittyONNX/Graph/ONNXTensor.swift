import DigittyEngine

/// A value flowing through an ONNX graph: an N-dimensional tensor of one element type, row-major.
///
/// Floating-point data is held as `Float`; every integer type (and bool) as `Int64`, wrapped to its own width
/// after each arithmetic operation so results match the narrow type.
public struct ONNXTensor: Sendable, Equatable {
    /// The element types digitty computes with.
    public enum ElementType: Int, Sendable, CaseIterable {
        case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, bool = 9
        case uint32 = 12, uint64 = 13

        /// The name ONNX uses, e.g. `FLOAT`, `UINT8`.
        public var name: String {
            switch self {
            case .float: "FLOAT"
            case .uint8: "UINT8"
            case .int8: "INT8"
            case .uint16: "UINT16"
            case .int16: "INT16"
            case .int32: "INT32"
            case .int64: "INT64"
            case .bool: "BOOL"
            case .uint32: "UINT32"
            case .uint64: "UINT64"
            }
        }

        /// Bytes per element in `raw_data`.
        var byteWidth: Int {
            switch self {
            case .uint8, .int8, .bool: 1
            case .uint16, .int16: 2
            case .float, .int32, .uint32: 4
            case .int64, .uint64: 8
            }
        }

        var isSigned: Bool { self == .int8 || self == .int16 || self == .int32 || self == .int64 }

        /// `value` wrapped to this type's width (two's complement), as numpy does on overflow.
        func wrap(_ value: Int64) -> Int64 {
            switch self {
            case .uint8: Int64(UInt8(truncatingIfNeeded: value))
            case .int8: Int64(Int8(truncatingIfNeeded: value))
            case .uint16: Int64(UInt16(truncatingIfNeeded: value))
            case .int16: Int64(Int16(truncatingIfNeeded: value))
            case .int32: Int64(Int32(truncatingIfNeeded: value))
            case .uint32: Int64(UInt32(truncatingIfNeeded: value))
            case .bool: value != 0 ? 1 : 0
            case .float, .int64, .uint64: value
            }
        }

        /// The ONNX type name for a `TensorProto.DataType` number, known or not.
        static func name(of code: Int) -> String {
            if let known = ElementType(rawValue: code) { return known.name }
            return [10: "FLOAT16", 11: "DOUBLE", 8: "STRING", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
                    17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ", 21: "UINT4",
                    22: "INT4", 23: "FLOAT4E2M1", 0: "UNDEFINED"][code] ?? "type \(code)"
        }
    }

    /// The elements: `Float` for `.float`, `Int64` for every integer type and bool.
    public enum Storage: Sendable, Equatable {
        case float([Float])
        case integer([Int64])
    }

    public let shape: [Int]
    public let type: ElementType
    public let storage: Storage

    /// The most elements one tensor may hold (64 MiB of floats); larger shapes are refused before allocation.
    /// A digit model's largest activation, for a piece of 64 images, is a few million elements (64 × 26 × 26 ×
    /// 128 = 5.5 M); four times 2²² leaves room for three times that. At 2²⁶, a mutated Pad or Reshape in a 20 KB
    /// file made the executor fill 850 MB and take over 3 s before its next node refused the result.
    public static let maximumElements = 1 << 24

    public init(shape: [Int], floats: [Float]) {
        self.shape = shape
        type = .float
        storage = .float(floats)
    }

    public init(shape: [Int], integers: [Int64], type: ElementType = .int64) {
        self.shape = shape
        self.type = type
        storage = .integer(integers)
    }

    /// A float tensor from an engine tensor.
    public init(_ tensor: Tensor) { self.init(shape: tensor.shape, floats: tensor.scalars) }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// The float elements, or nil for an integer tensor.
    public var floats: [Float]? { if case let .float(values) = storage { values } else { nil } }
    /// The integer elements, or nil for a float tensor.
    public var integers: [Int64]? { if case let .integer(values) = storage { values } else { nil } }

    /// The elements as Float whatever the type (integers converted).
    var floatValues: [Float] {
        switch storage {
        case let .float(values): values
        case let .integer(values): values.map { type == .uint64 ? Float(UInt64(bitPattern: $0)) : Float($0) }
        }
    }

    /// The elements as Int64 (floats truncated toward zero, out-of-range clamped).
    var integerValues: [Int64] {
        switch storage {
        case let .integer(values): values
        case let .float(values): values.map { ONNXTensor.truncate($0) }
        }
    }

    static func truncate(_ value: Float) -> Int64 {
        guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? Int64.max : Int64.min) }
        if value >= 9.2e18 { return Int64.max }
        if value <= -9.2e18 { return Int64.min }
        return Int64(value)
    }

    /// The same elements under another shape with the same count.
    func reshaped(_ newShape: [Int]) -> ONNXTensor {
        ONNXTensor(shape: newShape, type: type, storage: storage)
    }

    init(shape: [Int], type: ElementType, storage: Storage) {
        self.shape = shape
        self.type = type
        self.storage = storage
    }

    /// An engine tensor with the same shape, for float tensors.
    public var engineTensor: Tensor? { floats.map { Tensor(shape: shape, scalars: $0) } }

    /// Checks that a shape is allocatable: no negative dimension, at most `maximumElements` elements.
    static func checkedCount(_ shape: [Int], context: @autoclosure () -> String) throws(ONNXError) -> Int {
        guard let count = Tensor.checkedElementCount(shape, limit: maximumElements) else {
            throw .tooLarge("\(context()): shape \(shape) is negative or has more than \(maximumElements) elements")
        }
        return count
    }
}

extension ONNXTensor {
    /// Gathers elements: `result[i] = self[indices[i]]`, keeping the type.
    func gathering(_ indices: [Int], shape: [Int]) -> ONNXTensor {
        switch storage {
        case let .float(values): ONNXTensor(shape: shape, type: type, storage: .float(indices.map { values[$0] }))
        case let .integer(values): ONNXTensor(shape: shape, type: type, storage: .integer(indices.map { values[$0] }))
        }
    }

    /// Row-major strides of a shape.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var stride = 1
        for axis in shape.indices.reversed() {
            strides[axis] = stride
            stride *= shape[axis]
        }
        return strides
    }
}
