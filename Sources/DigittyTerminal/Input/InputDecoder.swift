/// Turns raw terminal bytes into keys and mouse reports: plain and UTF-8 characters, control keys, CSI and SS3
/// key sequences, and mouse reports in SGR (1006), urxvt (1015) and legacy X10/1000/1002 encodings.
///
/// Bytes may arrive split anywhere; an incomplete sequence is kept until more bytes come. A lone ESC stays pending
/// until `flush()` (call it when no byte has followed for a short while) turns it into the Escape key.
public struct InputDecoder: Sendable {
    /// Longest escape sequence accepted; anything longer is reported as unknown and skipped.
    static let maximumSequenceLength = 64

    private var pending: [UInt8] = []

    public init() {}

    /// Whether an incomplete sequence (for instance a lone ESC) is waiting for more bytes.
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes as many events as the bytes so far allow.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [InputEvent] {
        pending.append(contentsOf: bytes)
        var events: [InputEvent] = []
        var start = 0
        while start < pending.count {
            guard let (event, length) = Self.decode(pending[start...]) else { break }
            if let event { events.append(event) }
            start += length
        }
        pending.removeFirst(start)
        return events
    }

    /// Gives up waiting: a pending lone ESC becomes the Escape key, anything else pending is reported as unknown.
    public mutating func flush() -> [InputEvent] {
        defer { pending.removeAll() }
        if pending.isEmpty { return [] }
        if pending == [0x1B] { return [.key(.escape)] }
        if pending.first == 0x1B, pending.count == 2, pending[1] == 0x1B { return [.key(.escape), .key(.escape)] }
        return [.unknown(pending)]
    }

    /// Decodes one event at the start of `bytes`: the event (nil for bytes to skip silently) and the bytes used,
    /// or nil if more bytes are needed.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> (InputEvent?, Int)? {
        let first = bytes[bytes.startIndex]
        switch first {
        case 0x1B: return decodeEscape(bytes)
        case 0x0D, 0x0A: return (.key(.enter), 1)
        case 0x09: return (.key(.tab), 1)
        case 0x7F, 0x08: return (.key(.backspace), 1)
        case 0x00: return (.key(.control(" ")), 1)
        case 0x01...0x1A: return (.key(.control(Character(Unicode.Scalar(first + 0x60)))), 1)
        case 0x1C...0x1F: return (.unknown([first]), 1)
        case 0x20...0x7E: return (.key(.character(Character(Unicode.Scalar(first)))), 1)
        default: return decodeUTF8(bytes)
        }
    }

    private static func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> (InputEvent?, Int)? {
        let first = bytes[bytes.startIndex]
        let length: Int
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return (.unknown([first]), 1)
        }
        let available = bytes.prefix(length)
        for byte in available.dropFirst() where byte & 0xC0 != 0x80 { return (.unknown([first]), 1) }
        guard available.count == length else { return nil }
        var decoder = UTF8()
        var iterator = available.makeIterator()
        if case let .scalarValue(scalar) = decoder.decode(&iterator) {
            return (.key(.character(Character(scalar))), length)
        }
        return (.unknown(Array(available)), length)
    }

    private static func decodeEscape(_ bytes: ArraySlice<UInt8>) -> (InputEvent?, Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        switch bytes[start + 1] {
        case UInt8(ascii: "["): return decodeCSI(bytes)
        case UInt8(ascii: "O"):
            guard bytes.count >= 3 else { return nil }
            let key: Key? = switch bytes[start + 2] {
            case UInt8(ascii: "A"): .up
            case UInt8(ascii: "B"): .down
            case UInt8(ascii: "C"): .right
            case UInt8(ascii: "D"): .left
            case UInt8(ascii: "H"): .home
            case UInt8(ascii: "F"): .end
            case UInt8(ascii: "M"): .enter
            case UInt8(ascii: "P"): .function(1)
            case UInt8(ascii: "Q"): .function(2)
            case UInt8(ascii: "R"): .function(3)
            case UInt8(ascii: "S"): .function(4)
            default: nil
            }
            return (key.map(InputEvent.key) ?? .unknown(Array(bytes.prefix(3))), 3)
        case 0x1B:
            // ESC ESC: the first is a plain Escape.
            return (.key(.escape), 1)
        default:
            // Alt plus a key: not used by the app.
            guard let (_, length) = decode(bytes.dropFirst()) else { return nil }
            return (.unknown(Array(bytes.prefix(1 + length))), 1 + length)
        }
    }

    private static func decodeCSI(_ bytes: ArraySlice<UInt8>) -> (InputEvent?, Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 3 else { return nil }
        if bytes[start + 2] == UInt8(ascii: "M") { return decodeX10Mouse(bytes) }
        // Parameters (0x30–0x3F), intermediates (0x20–0x2F), then a final byte (0x40–0x7E).
        var index = start + 2
        while index < bytes.endIndex {
            let byte = bytes[index]
            if (0x40...0x7E).contains(byte) {
                let length = index - start + 1
                let parameters = Array(bytes[(start + 2)..<index])
                return (interpretCSI(parameters: parameters, final: byte) ?? .unknown(Array(bytes.prefix(length))), length)
            }
            guard (0x20...0x3F).contains(byte) else {
                // Not a valid sequence: drop the introducer and carry on from the odd byte.
                return (.unknown(Array(bytes[start..<index])), index - start)
            }
            if index - start >= maximumSequenceLength { return (.unknown(Array(bytes[start...index])), index - start + 1) }
            index += 1
        }
        return nil
    }

    private static func numbers(_ text: some Sequence<UInt8>) -> [Int]? {
        var result: [Int] = []
        var current: Int? = nil
        for byte in text {
            if byte == UInt8(ascii: ";") {
                result.append(current ?? 0)
                current = nil
            } else if (0x30...0x39).contains(byte) {
                current = min(100_000, (current ?? 0) * 10 + Int(byte - 0x30))
            } else {
                return nil
            }
        }
        result.append(current ?? 0)
        return result
    }

    private static func interpretCSI(parameters: [UInt8], final: UInt8) -> InputEvent? {
        if parameters.first == UInt8(ascii: "<") {
            guard final == UInt8(ascii: "M") || final == UInt8(ascii: "m"),
                  let values = numbers(parameters.dropFirst()), values.count == 3 else { return nil }
            return mouse(code: values[0], column: values[1], row: values[2], released: final == UInt8(ascii: "m"))
        }
        guard let values = numbers(parameters) else { return nil }
        switch final {
        case UInt8(ascii: "A"): return .key(.up)
        case UInt8(ascii: "B"): return .key(.down)
        case UInt8(ascii: "C"): return .key(.right)
        case UInt8(ascii: "D"): return .key(.left)
        case UInt8(ascii: "H"): return .key(.home)
        case UInt8(ascii: "F"): return .key(.end)
        case UInt8(ascii: "Z"): return .key(.backTab)
        case UInt8(ascii: "M") where values.count == 3:
            // urxvt (1015): CSI code ; column ; row M, code offset by 32.
            return mouse(code: values[0] - 32, column: values[1], row: values[2], released: false)
        case UInt8(ascii: "~"):
            let key: Key? = switch values[0] {
            case 1, 7: .home
            case 2: .insert
            case 3: .delete
            case 4, 8: .end
            case 5: .pageUp
            case 6: .pageDown
            case 11...15: .function(values[0] - 10)
            case 17...21: .function(values[0] - 11)
            case 23, 24: .function(values[0] - 12)
            default: nil
            }
            return key.map(InputEvent.key)
        default: return nil
        }
    }

    private static func decodeX10Mouse(_ bytes: ArraySlice<UInt8>) -> (InputEvent?, Int)? {
        guard bytes.count >= 6 else { return nil }
        let start = bytes.startIndex
        let code = Int(bytes[start + 3]) - 32, column = Int(bytes[start + 4]) - 32, row = Int(bytes[start + 5]) - 32
        return (mouse(code: code, column: column, row: row, released: false) ?? .unknown(Array(bytes.prefix(6))), 6)
    }

    /// A mouse event from the xterm button code and 1-based position; legacy encodings report a release as button 3.
    private static func mouse(code: Int, column: Int, row: Int, released: Bool) -> InputEvent? {
        guard code >= 0, column >= 1, row >= 1 else { return nil }
        let motion = code & 32 != 0, wheel = code & 64 != 0
        let buttonBits = code & 3
        let position = (column: column - 1, row: row - 1)
        if wheel {
            guard code & 128 == 0, buttonBits <= 1 else { return nil }
            return .mouse(MouseEvent(buttonBits == 0 ? .scrollUp : .scrollDown, .none, column: position.column, row: position.row))
        }
        guard code & 128 == 0 else { return nil }
        let button: MouseEvent.Button = [.left, .middle, .right, .none][buttonBits]
        let action: MouseEvent.Action
        if released {
            action = .release
        } else if motion {
            action = button == .none ? .move : .drag
        } else {
            action = button == .none ? .release : .press
        }
        return .mouse(MouseEvent(action, button, column: position.column, row: position.row))
    }
}
