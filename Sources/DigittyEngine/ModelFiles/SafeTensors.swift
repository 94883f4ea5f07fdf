import Foundation

/// The safetensors container: an 8-byte little-endian header length, a JSON header naming each tensor's
/// `dtype`, `shape` and `data_offsets` (plus an optional `__metadata__` string map), then the raw data.
///
/// Reading checks every offset and size against the file before touching the data, so a hostile file can
/// neither read out of bounds nor make the reader allocate more than the file holds. It is strict, as the
/// reference implementation (Rust's `safetensors`) is: the header is one JSON object padded only with spaces,
/// and the tensors cover the data exactly, in some order, with no holes, no overlaps and nothing after them.
/// (A header length a few bytes short still ends in valid JSON; only the coverage rule catches the shift.)
public struct SafeTensors: Sendable, Equatable {
    /// Tensors by name, converted to Float32.
    public var tensors: [String: Tensor]
    /// The `__metadata__` map.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The largest header accepted (the format's own limit).
    static let maximumHeaderLength = 100 << 20

    /// Element types that can be read, and their sizes in bytes. Everything is converted to Float32.
    static let elementSizes: [String: Int] = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2]

    /// Parses a safetensors file's bytes.
    public init(bytes: [UInt8]) throws(ModelFileError) {
        guard bytes.count >= 8 else { throw .truncated("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let declared = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard declared <= UInt64(Self.maximumHeaderLength) else {
            throw .badHeader("header length \(declared) exceeds the 100 MiB limit")
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw .truncated("header length \(headerLength) is larger than the \(bytes.count - 8) bytes after it")
        }
        var headerBytes = bytes[8..<8 + headerLength]
        guard headerBytes.first == UInt8(ascii: "{") else { throw .badHeader("header does not start with '{'") }
        while headerBytes.last == UInt8(ascii: " ") { headerBytes.removeLast() }
        guard headerBytes.last == UInt8(ascii: "}") else {
            throw .badHeader("header does not end with '}' followed only by spaces")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerBytes), options: [])
        } catch {
            throw .badHeader("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw .badHeader("header is not a JSON object") }

        let dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw .badHeader("__metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw .badHeader("__metadata__['\(key)'] is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw .badHeader("tensor '\(name)' is not an object") }
            guard let dtype = info["dtype"] as? String else { throw .badHeader("tensor '\(name)' has no dtype") }
            guard let elementSize = Self.elementSizes[dtype] else {
                throw .unsupportedDType(tensor: name, dtype: dtype)
            }
            guard let shape = Self.integers(info["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw .badHeader("tensor '\(name)' has no valid shape")
            }
            guard let offsets = Self.integers(info["data_offsets"]), offsets.count == 2 else {
                throw .badHeader("tensor '\(name)' has no valid data_offsets")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw .badOffsets("tensor '\(name)' spans bytes \(begin)..<\(end) of a \(dataSize)-byte data section")
            }
            guard let count = Tensor.checkedElementCount(shape, limit: dataSize),
                  count * elementSize == end - begin else {
                throw .badOffsets("tensor '\(name)' of shape \(shape) and dtype \(dtype) does not fill bytes \(begin)..<\(end)")
            }
            entries.append((name, dtype, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        for (index, entry) in entries.enumerated() {
            guard entry.begin >= covered else {
                throw .badOffsets("tensors '\(entries[index - 1].name)' and '\(entry.name)' overlap")
            }
            guard entry.begin == covered else {
                throw .badOffsets("bytes \(covered)..<\(entry.begin) of the data section, before tensor '\(entry.name)', belong to no tensor")
            }
            covered = entry.end
        }
        guard covered == dataSize else {
            throw .badOffsets("the last \(dataSize - covered) of the data section's \(dataSize) bytes belong to no tensor "
                              + "(trailing bytes, or a header length that is wrong)")
        }

        var tensors: [String: Tensor] = [:]
        bytes.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
            for entry in entries {
                let region = UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])
                tensors[entry.name] = Tensor(shape: entry.shape, scalars: Self.decode(region, dtype: entry.dtype))
            }
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// The file's bytes: tensors sorted by name, stored as little-endian F32, the header padded to 8 bytes.
    public func serialized() -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + 4 * tensor.count]]
            offset += 4 * tensor.count
        }
        var headerBytes = Array((try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8))
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        let length = UInt64(headerBytes.count)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        bytes.append(contentsOf: headerBytes)
        for name in names {
            for value in tensors[name]!.scalars {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in array {
            guard let number = item as? NSNumber else { return nil }
            let value = number.doubleValue
            guard value.rounded() == value, let exact = Int(exactly: value) else { return nil }
            result.append(exact)
        }
        return result
    }

    private static func decode(_ region: UnsafeRawBufferPointer, dtype: String) -> [Float] {
        switch dtype {
        case "F32":
            return (0..<region.count / 4).map { Float(bitPattern: UInt32(littleEndian: region.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        case "F64":
            return (0..<region.count / 8).map { Float(Double(bitPattern: UInt64(littleEndian: region.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))) }
        case "F16":
            return (0..<region.count / 2).map { halfToFloat(UInt16(littleEndian: region.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
        default: // BF16
            return (0..<region.count / 2).map { Float(bitPattern: UInt32(UInt16(littleEndian: region.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) << 16) }
        }
    }

    /// IEEE 754 half precision to single precision.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
