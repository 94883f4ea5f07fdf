import DigittyEngine
import Foundation
import Testing
@testable import DigittyVision

@Suite struct DrawingStoreTests {
    static func temporaryStore() throws -> DrawingStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-drawings-\(UUID().uuidString)")
        return DrawingStore(directory: directory)
    }

    /// A vertical stroke drawn with the app's pen, at column `x`.
    static func stroke(at x: Float = 14) -> GrayImage {
        var image = GrayImage(width: 28, height: 28)
        image.stroke(fromX: x, y0: 4, toX: x, y1: 24, brush: .pen)
        return image
    }

    @Test func aSavedDrawingLoadsBackWithItsDigit() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let file = try store.save(Self.stroke(), as: 1)
        #expect(file.deletingLastPathComponent().lastPathComponent == "1" && file.pathExtension == "png")
        try store.save(Self.stroke(at: 10), as: 7)
        let contents = store.load()
        #expect(contents.drawings.map(\.digit) == [1, 7] && contents.skipped.isEmpty)
        #expect(contents.drawings[0].image.bytes == Self.stroke().bytes)
        #expect(contents.counts == [0, 1, 0, 0, 0, 0, 0, 1, 0, 0] && store.counts() == contents.counts)
    }

    @Test func theChecksumFollowsTheDrawings() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        try store.save(Self.stroke(), as: 1)
        let first = store.load().checksum
        #expect(store.load().checksum == first)
        try store.save(Self.stroke(at: 9), as: 1)
        #expect(store.load().checksum != first)
    }

    @Test func anEmptyCanvasOrABadDigitIsRefusedAndSaysWhy() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        #expect(throws: DrawingStoreError.emptyCanvas) { try store.save(GrayImage(width: 28, height: 28), as: 3) }
        #expect(DrawingStoreError.emptyCanvas.description.contains("empty"))
        #expect(throws: DrawingStoreError.notADigit(10)) { try store.save(Self.stroke(), as: 10) }
        #expect(throws: DrawingStoreError.wrongSize(width: 20, height: 28)) {
            try store.save(GrayImage(width: 20, height: 28, pixels: [Float](repeating: 1, count: 560)), as: 3)
        }
        #expect(!FileManager.default.fileExists(atPath: store.directory.path))
    }

    @Test func corruptAndForeignFilesAreListedAndSkipped() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        try store.save(Self.stroke(), as: 4)
        let four = store.directory.appendingPathComponent("4")
        try Data("not a png".utf8).write(to: four.appendingPathComponent("broken.png"))
        try Data("notes".utf8).write(to: four.appendingPathComponent("readme.txt"))
        try Data(PNG.encode(GrayImage(width: 28, height: 28))).write(to: four.appendingPathComponent("blank.png"))
        try Data(PNG.encode(GrayImage(width: 30, height: 30, pixels: [Float](repeating: 1, count: 900))))
            .write(to: four.appendingPathComponent("big.png"))
        try FileManager.default.createDirectory(at: store.directory.appendingPathComponent("misc"), withIntermediateDirectories: true)
        // Another instance's write in progress: a hidden temporary file, neither a drawing nor a problem.
        try Data("partial".utf8).write(to: four.appendingPathComponent(".x.png.1234.tmp"))
        let contents = store.load()
        #expect(contents.drawings.count == 1 && contents.drawings[0].digit == 4)
        let skipped = Dictionary(uniqueKeysWithValues: contents.skipped.map { ($0.file.lastPathComponent, $0.reason) })
        #expect(Set(skipped.keys) == ["broken.png", "readme.txt", "blank.png", "big.png", "misc"], "\(skipped)")
        #expect(skipped["blank.png"]?.contains("empty") == true)
        #expect(skipped["big.png"]?.contains("30×30") == true)
        #expect(skipped["misc"]?.contains("folder") == true)
    }

    /// Two stores on one folder (as two app instances) saving at the same time lose nothing.
    @Test func concurrentSavesLoseNothing() async throws {
        let first = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: first.directory) }
        let second = DrawingStore(directory: first.directory)
        let drawing = Self.stroke()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask { _ = try? (index % 2 == 0 ? first : second).save(drawing, as: index % 3) }
            }
        }
        let contents = first.load()
        #expect(contents.drawings.count == 40 && contents.skipped.isEmpty)
        #expect(contents.counts[0] == 14 && contents.counts[1] == 13 && contents.counts[2] == 13)
    }

    @Test func userDataFollowsXDGDataHome() {
        #expect(UserData.drawings(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/a"]).path == "/data/digitty/drawings")
        #expect(UserData.drawings(environment: ["HOME": "/home/a"]).path == "/home/a/.local/share/digitty/drawings")
        #expect(UserData.personalModel(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/a"]).path
                == "/home/a/.local/share/digitty/models/personal.safetensors")
    }
}
