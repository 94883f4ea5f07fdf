import DigittyEngine
import DigittyVision
import Testing
@testable import DigittyTerminal

@Suite struct InputDecoderTests {
    private func decode(_ text: String) -> [InputEvent] {
        var decoder = InputDecoder()
        return decoder.feed(Array(text.utf8)) + decoder.flush()
    }

    @Test func plainKeysAndControls() {
        #expect(decode("q") == [.key(.character("q"))])
        #expect(decode(" \r\t\u{7F}") == [.key(.character(" ")), .key(.enter), .key(.tab), .key(.backspace)])
        #expect(decode("\u{03}") == [.key(.control("c"))])
        #expect(decode("é") == [.key(.character("é"))])
    }

    @Test func arrowsAndSpecialKeysInCSIAndSS3() {
        #expect(decode("\u{1B}[A\u{1B}[B\u{1B}[C\u{1B}[D") == [.key(.up), .key(.down), .key(.right), .key(.left)])
        #expect(decode("\u{1B}OA\u{1B}OD") == [.key(.up), .key(.left)])
        #expect(decode("\u{1B}[1;5C") == [.key(.right)])
        #expect(decode("\u{1B}[3~\u{1B}[5~\u{1B}[Z\u{1B}[15~") == [.key(.delete), .key(.pageUp), .key(.backTab), .key(.function(5))])
    }

    @Test func loneEscapeWaitsThenFlushes() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B]).isEmpty)
        #expect(decoder.hasPending)
        #expect(decoder.flush() == [.key(.escape)])
        #expect(!decoder.hasPending)
    }

    @Test func sgrMousePressDragRelease() {
        #expect(decode("\u{1B}[<0;10;5M") == [.mouse(MouseEvent(.press, .left, column: 9, row: 4))])
        #expect(decode("\u{1B}[<32;11;5M") == [.mouse(MouseEvent(.drag, .left, column: 10, row: 4))])
        #expect(decode("\u{1B}[<0;11;5m") == [.mouse(MouseEvent(.release, .left, column: 10, row: 4))])
        #expect(decode("\u{1B}[<2;3;4M") == [.mouse(MouseEvent(.press, .right, column: 2, row: 3))])
        #expect(decode("\u{1B}[<34;3;4M") == [.mouse(MouseEvent(.drag, .right, column: 2, row: 3))])
        #expect(decode("\u{1B}[<64;3;4M") == [.mouse(MouseEvent(.scrollUp, .none, column: 2, row: 3))])
        #expect(decode("\u{1B}[<35;300;200M") == [.mouse(MouseEvent(.move, .none, column: 299, row: 199))])
    }

    @Test func legacyX10MouseEncoding() {
        // ESC [ M then button+32, column+32, row+32 (1-based).
        let press: [UInt8] = [0x1B, 0x5B, 0x4D, 32 + 0, 32 + 10, 32 + 5]
        let drag: [UInt8] = [0x1B, 0x5B, 0x4D, 32 + 32, 32 + 12, 32 + 5]
        let release: [UInt8] = [0x1B, 0x5B, 0x4D, 32 + 3, 32 + 12, 32 + 5]
        var decoder = InputDecoder()
        #expect(decoder.feed(press + drag + release) == [
            .mouse(MouseEvent(.press, .left, column: 9, row: 4)),
            .mouse(MouseEvent(.drag, .left, column: 11, row: 4)),
            .mouse(MouseEvent(.release, .none, column: 11, row: 4)),
        ])
        // Columns beyond 95 arrive as bytes above 127.
        #expect(decoder.feed([0x1B, 0x5B, 0x4D, 32, 32 + 200, 32 + 3]) == [.mouse(MouseEvent(.press, .left, column: 199, row: 2))])
    }

    @Test func urxvtMouseEncoding() {
        #expect(decode("\u{1B}[32;10;5M") == [.mouse(MouseEvent(.press, .left, column: 9, row: 4))])
    }

    @Test func sequencesSplitAcrossReadsAreJoined() {
        let bytes = Array("\u{1B}[<0;10;5Mx\u{1B}[A€".utf8)
        for split in 1..<bytes.count {
            var decoder = InputDecoder()
            let events = decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...]) + decoder.flush()
            #expect(events == [.mouse(MouseEvent(.press, .left, column: 9, row: 4)), .key(.character("x")), .key(.up),
                               .key(.character("€"))], "split at \(split)")
        }
    }

    @Test func unknownSequencesAreSkippedAndDecodingGoesOn() {
        let events = decode("\u{1B}[?1;2c\u{1B}[99zq\u{1B}[<0;1Mk")
        #expect(events.filter { if case .unknown = $0 { false } else { true } } == [.key(.character("q")), .key(.character("k"))])
        #expect(decode("\u{1B}[" + String(repeating: "1", count: 200) + "A").contains(.key(.character("1"))))
        var decoder = InputDecoder()
        #expect(decoder.feed([0xFF, 0x61]) == [.unknown([0xFF]), .key(.character("a"))])
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = SeededRandom(seed: 42)
        let samples = ["\u{1B}[<0;10;5M", "\u{1B}[<32;11;5M", "\u{1B}[M !!", "\u{1B}[A", "\u{1B}OP", "é€", "q"].map { Array($0.utf8) }
        for round in 0..<5000 {
            var bytes = samples[round % samples.count] + samples[(round / 7) % samples.count]
            for _ in 0..<(1 + random.next() % 4) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
            }
            var decoder = InputDecoder()
            var count = 0
            for chunk in stride(from: 0, to: bytes.count, by: 3) { count += decoder.feed(bytes[chunk..<min(bytes.count, chunk + 3)]).count }
            count += decoder.flush().count
            #expect(count <= bytes.count)
            #expect(!decoder.hasPending)
        }
    }
}
