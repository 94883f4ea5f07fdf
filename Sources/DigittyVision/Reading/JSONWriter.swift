/// A small, allocation-light JSON writer for readings (the hot `/predict` answer, `predict --json`) and
/// error bodies.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Writes `{…}` whose fields `body` adds.
    package mutating func object(_ body: (inout ObjectWriter) -> Void) {
        var object = ObjectWriter(writer: self)
        bytes = []  // the object writer holds the only reference, so appending does not copy
        object.writer.bytes.append(UInt8(ascii: "{"))
        body(&object)
        object.writer.bytes.append(UInt8(ascii: "}"))
        self = object.writer
    }

    package mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for unit in value.utf8 {
            switch unit {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(unit >> 4)], hex[Int(unit & 15)]])
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func number(_ value: Float) {
        bytes.append(contentsOf: (value.isFinite ? "\(value)" : "0").utf8)
    }

    package mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A byte as decimal digits, without going through a String (the 784 of a `/predict` answer add up).
    package mutating func integer(_ value: UInt8) {
        if value >= 100 { bytes.append(0x30 + value / 100) }
        if value >= 10 { bytes.append(0x30 + value / 10 % 10) }
        bytes.append(0x30 + value % 10)
    }

    package mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Adds the fields of one object, with commas between them.
    package struct ObjectWriter {
        fileprivate var writer: JSONWriter
        private var first = true

        fileprivate init(writer: JSONWriter) { self.writer = writer }

        private mutating func key(_ name: String) {
            if !first { writer.bytes.append(UInt8(ascii: ",")) }
            first = false
            writer.string(name)
            writer.bytes.append(UInt8(ascii: ":"))
        }

        package mutating func field(_ name: String, _ value: String) { key(name); writer.string(value) }
        package mutating func field(_ name: String, _ value: Int) { key(name); writer.integer(value) }
        package mutating func field(_ name: String, _ value: Bool) { key(name); writer.raw(value ? "true" : "false") }
        package mutating func null(_ name: String) { key(name); writer.raw("null") }
        package mutating func field(_ name: String, number value: Float) { key(name); writer.number(value) }
        package mutating func field(_ name: String, numbers: [Float]) {
            key(name)
            writer.bytes.append(UInt8(ascii: "["))
            for (index, value) in numbers.enumerated() {
                if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.number(value)
            }
            writer.bytes.append(UInt8(ascii: "]"))
        }
        package mutating func field(_ name: String, integers: [UInt8]) {
            key(name)
            writer.bytes.reserveCapacity(writer.bytes.count + integers.count * 4 + 2)
            writer.bytes.append(UInt8(ascii: "["))
            for (index, value) in integers.enumerated() {
                if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.integer(value)
            }
            writer.bytes.append(UInt8(ascii: "]"))
        }
    }
}
