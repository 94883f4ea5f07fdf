import DigittyEngine
import DigittyTestSupport
import Testing
@testable import DigittyVision

/// Structural fuzzing of MNIST IDX files, raw and gzip: the magic, the count and the image sides are set to
/// hostile values, the data is cut or extended, and bytes are damaged; every case must give a file whose sizes
/// agree with its data, or one line of `MNISTError`.
@Suite struct IDXFuzzTests {
    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes())))
    func mutatedIDXFilesDecodeOrFailCleanly() async throws {
        let campaign = try await FuzzCampaign.run("idx") { campaign in
            let digits = IDXFile(images: (0 ..< 3 * 784).map { UInt8(truncatingIfNeeded: $0 &* 13) }, rows: 28, columns: 28)
            let seeds = [IDXFileTests.images.encoded(), IDXFileTests.labels.encoded(), digits.encoded()]
            var random = SeededRandom(seed: 0x1D8)
            for index in 0 ..< FuzzCampaign.caseCount {
                var bytes = seeds[index % seeds.count]
                var note = "case \(index)"
                switch random.below(4) {
                case 0, 1:  // a header field: magic, count, rows or columns
                    let field = random.below(bytes.count >= 16 ? 4 : 2)
                    let value: UInt32 = random.pick([0, 1, 3, 28, 0x801, 0x803, 0x802, 4096, 4097, 0x0100_0000, 0x7FFF_FFFF,
                                                     0x8000_0000, .max, UInt32(random.below(1 << 16))])
                    bytes.replaceSubrange(4 * field ..< 4 * field + 4, with: BigEndian.bytes(value))
                    note += ": header field \(field) = \(value)"
                case 2:  // the data's length
                    if random.below(2) == 0 { bytes.removeLast(min(bytes.count, 1 + random.below(40))) } else { bytes += [7, 7, 7] }
                    note += ": \(bytes.count) bytes"
                default:
                    bytes = Fuzzer.mutate(bytes, using: &random)
                    note += ": bytes damaged"
                }
                if random.below(3) == 0 {
                    bytes = Zlib.deflate(bytes, container: .gzip)
                    note += ", gzip"
                }
                campaign.run(note) { Self.check(bytes) }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects > 0 && campaign.rejects < campaign.cases)
    }

    static func check(_ bytes: [UInt8]) -> FuzzCampaign.Outcome {
        do {
            let file = try IDXFile.decode(bytes)
            if case let .images(rows, columns) = file.kind, rows * columns != file.itemSize {
                return .crashed("images of \(rows)×\(columns) with items of \(file.itemSize) bytes")
            }
            guard file.data.count == file.count * file.itemSize, file.kind != .labels || file.data.allSatisfy({ $0 <= 9 }) else {
                return .crashed("\(file.count) items of \(file.itemSize) bytes in \(file.data.count) bytes")
            }
            return .accepted
        } catch {
            return FuzzCampaign.checkMessage(error)
        }
    }
}
