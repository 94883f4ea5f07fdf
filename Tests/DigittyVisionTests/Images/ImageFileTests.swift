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
}
