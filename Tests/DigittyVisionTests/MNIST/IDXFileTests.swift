import DigittyEngine
import Foundation
import Testing
@testable import DigittyVision

@Suite struct IDXFileTests {
    static let images = IDXFile(images: (0 ..< 3 * 4 * 5).map { UInt8($0 * 4) }, rows: 4, columns: 5)
    static let labels = IDXFile(labels: [3, 0, 9])

    @Test func rawAndGzipRoundTrip() throws {
        for file in [Self.images, Self.labels] {
            #expect(try IDXFile.decode(file.encoded()) == file)
            #expect(try IDXFile.decode(file.encoded(gzip: true)) == file)
        }
        #expect(Self.images.count == 3 && Self.images.itemSize == 20)
        #expect(Self.images.image(at: 1).bytes == Array(Self.images.data[20 ..< 40]))
        // Concatenated gzip members (as `cat a.gz b.gz`) are one stream.
        let bytes = Self.labels.encoded()
        let twoMembers = Zlib.deflate(Array(bytes.prefix(5)), container: .gzip) + Zlib.deflate(Array(bytes.dropFirst(5)), container: .gzip)
        #expect(try IDXFile.decode(twoMembers) == Self.labels)
    }

    static func expectError(_ bytes: [UInt8], containing text: String) {
        do {
            _ = try IDXFile.decode(bytes, name: "sample.idx")
            Issue.record("decoded a bad IDX file; expected \"\(text)\"")
        } catch {
            #expect(error.description.contains(text), "message: \(error.description)")
            #expect(error.description.hasPrefix("sample.idx: "))
        }
    }

    @Test func badFilesAreExplained() {
        let images = Self.images.encoded()
        Self.expectError(Array(images.dropLast()), containing: "truncated: the header declares 3 images (3 × 20 bytes) but 59 bytes")
        Self.expectError(images + [0], containing: "1 bytes too many")
        Self.expectError([0, 0, 8, 2, 0, 0, 0, 0], containing: "magic number 0x00000802")
        Self.expectError([0, 0, 8], containing: "too short")
        Self.expectError([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28], containing: "truncated IDX image header")
        Self.expectError(BigEndian.bytes(0x803) + BigEndian.bytes(1) + BigEndian.bytes(0) + BigEndian.bytes(28), containing: "0×28 pixels")
        Self.expectError(BigEndian.bytes(0x803) + BigEndian.bytes(UInt32.max) + BigEndian.bytes(4096) + BigEndian.bytes(4096),
                         containing: "declares 4294967295 images")
        Self.expectError(IDXFile(labels: [1, 2, 10]).encoded(), containing: "label 2 is 10")
        var gzip = Self.images.encoded(gzip: true)
        Self.expectError(Array(gzip.prefix(gzip.count / 2)), containing: "truncated gzip data")
        gzip[12] ^= 0xff
        Self.expectError(gzip, containing: "gzip data")
    }

    @Test func gzipBombIsStoppedAtTheLimit() {
        // 600 MiB of zeros claiming to be images compress to about 600 KiB; decoding stops at 512 MiB.
        var stream = BigEndian.bytes(0x803) + BigEndian.bytes(600 << 10) + BigEndian.bytes(32) + BigEndian.bytes(32)
        stream += [UInt8](repeating: 0, count: 1 << 20)
        let member = Zlib.deflate(stream, container: .gzip, level: 9)
        let zeros = Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), container: .gzip, level: 9)
        var bomb = member
        for _ in 0 ..< 599 { bomb += zeros }
        Self.expectError(bomb, containing: "more than 512 MiB")
    }

    /// Decodes `bytes`: either a typed error or a file whose sizes agree with its data.
    static func expectErrorOrConsistentFile(_ bytes: [UInt8]) {
        do {
            let file = try IDXFile.decode(bytes)
            #expect(file.data.count == file.count * file.itemSize)
            if case let .images(rows, columns) = file.kind { #expect(rows * columns == file.itemSize) }
            if file.kind == .labels { #expect(file.data.allSatisfy { $0 <= 9 }) }
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    /// Header fields at the edges (zero, the side limit, 2^31, 2^32 - 1 …) in every combination, raw and gzip:
    /// counts and sides whose product overflows or would need gigabytes are refused before anything is allocated.
    @Test func absurdHeadersAreRefused() {
        let extremes: [UInt32] = [0, 1, 3, 28, 4096, 4097, 0x0100_0000, 0x7fff_ffff, 0x8000_0000, .max]
        let payload = [UInt8](repeating: 5, count: 84)
        var decoded = 0
        for count in extremes {
            let labels = BigEndian.bytes(0x801) + BigEndian.bytes(count) + payload
            for bytes in [labels, Zlib.deflate(labels, container: .gzip)] {
                Self.expectErrorOrConsistentFile(bytes)
                decoded += 1
            }
            for rows in extremes {
                for columns in extremes {
                    let images = BigEndian.bytes(0x803) + BigEndian.bytes(count) + BigEndian.bytes(rows) + BigEndian.bytes(columns) + payload
                    for bytes in [images, Zlib.deflate(images, container: .gzip)] {
                        Self.expectErrorOrConsistentFile(bytes)
                        decoded += 1
                    }
                }
            }
        }
        #expect(decoded == 2 * 10 + 2 * 1000)
        // The same payload under headers that fit it decodes (so the checks above are not refusing everything).
        #expect((try? IDXFile.decode(BigEndian.bytes(0x801) + BigEndian.bytes(84) + payload))?.count == 84)
        #expect((try? IDXFile.decode(BigEndian.bytes(0x803) + BigEndian.bytes(3) + BigEndian.bytes(28) + BigEndian.bytes(1) + payload))?.count == 3)
    }
}
