import DigittyEngine
import Foundation
import DigittyTestSupport
import Testing
@testable import DigittyVision

/// Structural fuzzing of PNG and PGM files: PNG chunks (IHDR fields, order, lengths, palette sizes, the
/// scanlines inside IDAT, unknown chunks) and PGM header tokens, comments and rasters are mutated; every case
/// must give a consistent image or one line of `ImageFileError`, never a crash, a hang or a huge allocation.
@Suite struct ImageFuzzTests {
    static let samples = (0 ..< 64).map { ($0 * 29) % 256 }

    static let pngSeeds: [[UInt8]] = [
        PNG.encode(GrayImage(width: 8, height: 8, bytes: samples.map(UInt8.init))),
        PNGBuilder(width: 8, height: 8, colourType: 0, bitDepth: 8, samples: samples, interlaced: true, filters: [1, 2, 3, 4]).build(),
        PNGBuilder(width: 8, height: 4, colourType: 6, bitDepth: 8, samples: (0 ..< 128).map { $0 * 2 }, filters: [4]).build(),
        PNGBuilder(width: 8, height: 8, colourType: 3, bitDepth: 2, samples: samples.map { $0 % 4 },
                   palette: Array(0 ..< 12), transparency: [0, 128]).build(),
        PNGBuilder(width: 4, height: 4, colourType: 6, bitDepth: 16, samples: (0 ..< 64).map { $0 * 1000 }, filters: [0, 1],
                   idatChunks: 2).build(),
        PNGBuilder(width: 5, height: 3, colourType: 2, bitDepth: 16, samples: (0 ..< 45).map { $0 * 1400 }, interlaced: true).build(),
    ]

    static let pgmSeeds: [[UInt8]] = [
        PGM.encode(GrayImage(width: 8, height: 8, bytes: samples.map(UInt8.init))),
        Array("P2\n# c\n4 2\n15\n0 1 2 3 4 5 6 15\n".utf8),
        Array("P5 2 2 65535\n".utf8) + [0, 1, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00],
    ]

    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes())))
    func mutatedPNGChunksDecodeOrFailCleanly() async throws {
        try await Self.fuzz("png", seed: 0x9E6, seeds: Self.pngSeeds, mutate: Self.mutatePNG)
    }

    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes())))
    func mutatedPGMHeadersDecodeOrFailCleanly() async throws {
        try await Self.fuzz("pgm", seed: 0x9E7, seeds: Self.pgmSeeds, mutate: Self.mutatePGM)
    }

    /// A campaign of `seeds` mutated by `mutate`, each case decoded and checked.
    static func fuzz(_ name: String, seed: UInt64, seeds: [[UInt8]],
                     mutate: @escaping @Sendable ([UInt8], inout SeededRandom, inout String) -> [UInt8]) async throws {
        let campaign = try await FuzzCampaign.run(name) { campaign in
            var random = SeededRandom(seed: seed)
            for index in 0 ..< FuzzCampaign.caseCount {
                var note = "case \(index)"
                let bytes = mutate(seeds[index % seeds.count], &random, &note)
                campaign.run(note) { Self.check(bytes) }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects > 0 && campaign.rejects < campaign.cases)
    }

    /// A decoded image must hold its pixels, all in 0…1, within the size limit.
    static func check(_ bytes: [UInt8]) -> FuzzCampaign.Outcome {
        do {
            let image = try ImageFile.decode(bytes)
            guard image.pixels.count == image.width * image.height, image.pixels.count <= ImageFile.maximumPixels,
                  image.pixels.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                return .crashed("image \(image.width)×\(image.height) with \(image.pixels.count) pixels out of 0…1 or the limit")
            }
            return .accepted
        } catch {
            return FuzzCampaign.checkMessage(error)
        }
    }

    /// A u32 that breaks image readers: zero, the limits and one past them, the largest values.
    static func nastySide(_ random: inout SeededRandom) -> UInt32 {
        random.pick([0, 1, 2, 7, 2048, 2049, 4096, UInt32(ImageFile.maximumSide), UInt32(ImageFile.maximumSide) + 1,
                     0x7FFF_FFFF, 0x8000_0000, .max, UInt32(random.below(64))])
    }

    static func chunks(_ bytes: [UInt8]) -> [(type: [UInt8], data: [UInt8])] {
        var result: [(type: [UInt8], data: [UInt8])] = []
        var offset = 8
        while bytes.count - offset >= 12 {
            let length = Int(BigEndian.uint32(bytes, at: offset))
            guard length <= bytes.count - offset - 12 else { break }
            result.append((Array(bytes[offset + 4 ..< offset + 8]), Array(bytes[offset + 8 ..< offset + 8 + length])))
            offset += 12 + length
        }
        return result
    }

    static func mutatePNG(_ seed: [UInt8], using random: inout SeededRandom, note: inout String) -> [UInt8] {
        var chunks = Self.chunks(seed)
        var lengthChange: (index: Int, by: Int)?
        var corruptCRC = false
        func index(of type: String) -> Int? { chunks.firstIndex { $0.type == Array(type.utf8) } }
        switch random.below(9) {
        case 0, 1:  // IHDR fields
            guard let at = index(of: "IHDR"), chunks[at].data.count == 13 else { break }
            var data = chunks[at].data
            switch random.below(4) {
            case 0: data.replaceSubrange(0 ..< 4, with: BigEndian.bytes(nastySide(&random)))
            case 1: data.replaceSubrange(4 ..< 8, with: BigEndian.bytes(nastySide(&random)))
            case 2: data[8] = random.pick([0, 1, 2, 3, 4, 5, 8, 16, 32, 255])
            default: data[9 + random.below(4)] = random.pick([0, 1, 2, 3, 4, 5, 6, 7, 255])
            }
            chunks[at].data = data
            note += ": IHDR \(data)"
        case 2:  // order: swap, remove or duplicate chunks
            let a = random.below(chunks.count), b = random.below(chunks.count)
            switch random.below(3) {
            case 0: chunks.swapAt(a, b)
            case 1: chunks.remove(at: a)
            default: chunks.insert(chunks[a], at: b)
            }
            note += ": chunk order \(chunks.map { String(decoding: $0.type, as: UTF8.self) })"
        case 3:  // a length field that lies
            lengthChange = (random.below(chunks.count), random.pick([-13, -4, -1, 1, 4, 1 << 20, Int(Int32.max), -(1 << 30)]))
            note += ": chunk \(lengthChange!.index) length \(lengthChange!.by)"
        case 4, 5:  // the scanlines inside IDAT
            let idats = chunks.indices.filter { chunks[$0].type == Array("IDAT".utf8) }
            guard let first = idats.first,
                  var raw = try? Zlib.inflate(idats.flatMap { chunks[$0].data }[...], container: .zlib, limit: 1 << 20) else { break }
            switch random.below(4) {
            case 0: if !raw.isEmpty { raw[random.below(raw.count)] = random.pick([0, 1, 4, 5, 255]) }  // filter bytes too
            case 1: raw.removeLast(min(raw.count, 1 + random.below(8)))
            case 2: raw += [UInt8](repeating: 0, count: 1 + random.below(8))
            default: raw = []
            }
            for at in idats.reversed() { chunks.remove(at: at) }
            chunks.insert((Array("IDAT".utf8), Zlib.deflate(raw)), at: first)
            note += ": IDAT holds \(raw.count) raw bytes"
        case 6:  // palette and transparency sizes
            let type = random.pick(["PLTE", "tRNS"])
            let data = [UInt8](repeating: 0x40, count: random.pick([0, 1, 2, 3, 4, 767, 768, 769, 1000]))
            if let at = index(of: type) { chunks[at].data = data } else { chunks.insert((Array(type.utf8), data), at: min(1, chunks.count)) }
            note += ": \(type) of \(data.count) bytes"
        case 7:  // unknown chunks, critical or not
            let type = random.pick(["ABCD", "abCD", "IHDR", "IEND", "ab1D"])
            chunks.insert((Array(type.utf8), [1, 2, 3]), at: random.below(chunks.count + 1))
            note += ": chunk \(type) inserted"
        default:  // checksums and raw bytes
            corruptCRC = random.below(2) == 0
            note += corruptCRC ? ": a CRC is wrong" : ": bytes overwritten"
        }
        var bytes = PNG.signature
        for (at, chunk) in chunks.enumerated() {
            var encoded = PNG.chunk(String(decoding: chunk.type, as: UTF8.self), chunk.data)
            if let change = lengthChange, change.index == at {
                encoded.replaceSubrange(0 ..< 4, with: BigEndian.bytes(UInt32(truncatingIfNeeded: chunk.data.count + change.by)))
            }
            if corruptCRC, at == chunks.count / 2 { encoded[encoded.count - 1] ^= 0x01 }
            bytes += encoded
        }
        if note.hasSuffix("overwritten") {
            for _ in 0 ... random.below(4) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
        }
        return bytes
    }

    static func mutatePGM(_ seed: [UInt8], using random: inout SeededRandom, note: inout String) -> [UInt8] {
        // The header is the magic and three numbers; find where each token is.
        var tokens: [Range<Int>] = []
        var offset = 0
        while tokens.count < 4, offset < seed.count {
            while offset < seed.count, [0x20, 0x0A, 0x09, 0x0D].contains(seed[offset]) { offset += 1 }
            if offset < seed.count, seed[offset] == UInt8(ascii: "#") {
                while offset < seed.count, seed[offset] != 0x0A { offset += 1 }
                continue
            }
            let start = offset
            while offset < seed.count, ![0x20, 0x0A, 0x09, 0x0D].contains(seed[offset]) { offset += 1 }
            tokens.append(start ..< offset)
        }
        var bytes = seed
        switch random.below(5) {
        case 0, 1:  // a header number
            let at = 1 + random.below(3)
            let text = random.pick(["0", "-1", "1", "65535", "65536", "2048", "2049", "16385", "99999999999999999999999",
                                    "4294967296", "1e3", "abc", "", "0x10", String(random.below(100))])
            bytes.replaceSubrange(tokens[at], with: Array(text.utf8))
            note += ": header token \(at) = '\(text)'"
        case 2:  // the magic
            bytes.replaceSubrange(tokens[0], with: Array(random.pick(["P2", "P5", "P1", "P6", "P", "P55"]).utf8))
            note += ": magic changed"
        case 3:  // comments and whitespace in odd places
            let at = random.below(bytes.count + 1)
            bytes.insert(contentsOf: Array(random.pick(["#", "# comment\n", "\n", "#\r", "  "]).utf8), at: at)
            note += ": comment or space at \(at)"
        default:  // the raster's length
            if random.below(2) == 0 {
                bytes.removeLast(min(bytes.count - tokens[3].upperBound, 1 + random.below(8)))
            } else {
                bytes += Array(random.pick(["9", " 70000", "\u{FF}\u{FF}", " -1"]).utf8)
            }
            note += ": raster \(bytes.count - tokens[3].upperBound) bytes"
        }
        return bytes
    }
}
