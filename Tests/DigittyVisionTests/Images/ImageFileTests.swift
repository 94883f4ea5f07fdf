import Foundation
import Testing
@testable import DigittyVision

@Suite struct ImageFileTests {
    @Test func unknownFormatsNameWhatTheyStartWith() {
        for (bytes, text) in [([UInt8](), "the file is empty"), (Array("GIF89a...".utf8), "starting with \"GIF89a"),
                              ([0x00, 0x00, 0x08, 0x03], "unrecognised format")] {
            #expect(throws: ImageFileError.self) { try ImageFile.decode(bytes) }
            do { _ = try ImageFile.decode(bytes) } catch { #expect(error.description.contains(text), "\(error)") }
        }
    }

    @Test func loadReadsFilesAndReportsBadPaths() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-image-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = GrayImage(width: 3, height: 2, bytes: [0, 10, 20, 30, 40, 250])
        let file = directory.appendingPathComponent("digit.png")
        try Data(PNG.encode(image)).write(to: file)
        #expect(try ImageFile.load(contentsOf: file) == image)

        do {
            _ = try ImageFile.load(contentsOf: directory.appendingPathComponent("missing.png"))
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description.contains("missing.png: no such file"))
        }
        do {
            _ = try ImageFile.load(contentsOf: directory)
            Issue.record("loaded a directory")
        } catch {
            #expect(error.description.contains("is a directory"))
        }
    }

    /// One limit on decoded size for every reader: 2048×2048 pixels. An 8192² 16-bit RGBA PNG is a few hundred
    /// KB but would decode into ~1 GB; it is refused from its header, before anything is inflated.
    @Test func imagesOverTheSizeLimitAreRefusedFromTheirHeader() throws {
        #expect(ImageFile.maximumPixels == 2048 * 2048)
        for (width, height) in [(8192, 8192), (2049, 2048), (4096, 1025)] {
            let header = BigEndian.bytes(UInt32(width)) + BigEndian.bytes(UInt32(height)) + [16, 6, 0, 0, 0]
            let png = PNG.signature + PNG.chunk("IHDR", header) + PNG.chunk("IDAT", Zlib.deflate([0])) + PNG.chunk("IEND", [])
            #expect(throws: ImageFileError.badDimensions(format: "PNG", width: width, height: height)) { try ImageFile.decode(png) }
            let pgm = Array("P5 \(width) \(height) 255\n".utf8)
            #expect(throws: ImageFileError.badDimensions(format: "PGM", width: width, height: height)) { try ImageFile.decode(pgm) }
        }
        #expect(ImageFileError.badDimensions(format: "PNG", width: 8192, height: 8192).description
                == "PNG image is too large (8192×8192); at most 16384 pixels a side and 4 Mpixels (2048×2048) in all")
        // The largest image allowed decodes.
        let largest = GrayImage(width: 2048, height: 2048)
        #expect(try ImageFile.decode(PNG.encode(largest)).width == 2048)
    }
}
