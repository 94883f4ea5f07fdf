import DigittyEngine
import DigittyDownload
import DigittyTestSupport
import DigittyVision
import Foundation
import Testing
@testable import DigittyCLI

/// The data `digitty train` learns from, checked against an independent reading of the same files (the system's
/// gzip and sha256sum, and the IDX header parsed here), so that the bytes, the validation split and the
/// checksums stay what they were: training is deterministic and the shipped models must stay reproducible.
@Suite struct MNISTTrainingDataTests {
    /// A file read independently: its decompressed bytes and its SHA-256, by `gzip -dc` and `sha256sum`.
    struct Reference {
        var name: String
        var bytes: [UInt8]
        var sha256: String

        init(_ directory: URL, _ stem: String) throws {
            let gz = directory.appendingPathComponent(stem + ".gz")
            let url = FileManager.default.fileExists(atPath: gz.path) ? gz : directory.appendingPathComponent(stem)
            name = url.lastPathComponent
            bytes = url == gz ? try Self.run("/bin/gzip", ["-dc", url.path]) : Array(try Data(contentsOf: url))
            sha256 = String(decoding: try Self.run("/usr/bin/sha256sum", [url.path]).prefix(64), as: UTF8.self)
        }

        /// The big-endian 32-bit field `index` of the header.
        func field(_ index: Int) -> Int { bytes[4 * index ..< 4 * index + 4].reduce(0) { $0 << 8 | Int($1) } }

        static func run(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CLIError("\(tool) failed on \(arguments.last ?? "")") }
            return Array(data)
        }
    }

    /// Checks what `MNISTTrainingData.load` gives against the reference reading of `directory`.
    static func expectMatchesReference(_ directory: URL, validationSize: Int, limit: Int? = nil) throws {
        let data = try MNISTTrainingData.load(directory: directory, validationSize: validationSize, limit: limit)
        let stems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        let files = try stems.map { try Reference(directory, $0) }
        #expect(files[0].field(0) == 0x803 && files[1].field(0) == 0x801 && files[0].field(2) == 28 && files[0].field(3) == 28)
        let trainCount = min(files[0].field(1), limit ?? .max), testCount = min(files[2].field(1), limit ?? .max)
        let split = trainCount - validationSize
        let trainPixels = files[0].bytes[16...], trainLabels = files[1].bytes[8...]
        #expect(data.training.pixels == Array(trainPixels.prefix(split * 784)))
        #expect(data.training.labels == Array(trainLabels.prefix(split)))
        #expect(data.validation.pixels == Array(trainPixels.dropFirst(split * 784).prefix(validationSize * 784)))
        #expect(data.validation.labels == Array(trainLabels.dropFirst(split).prefix(validationSize)))
        #expect(data.test.pixels == Array(files[2].bytes[16...].prefix(testCount * 784)))
        #expect(data.test.labels == Array(files[3].bytes[8...].prefix(testCount)))
        #expect([data.training, data.validation, data.test].allSatisfy { $0.height == 28 && $0.width == 28 })
        #expect(data.checksums == Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.sha256) }))
    }

    @Test func syntheticFilesRawAndGzipLoadAsTheyAre() throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededRandom(seed: 5)
        func bytes(_ count: Int, below: UInt64 = 256) -> [UInt8] { (0..<count).map { _ in UInt8(random.next() % below) } }
        let files: [(String, IDXFile)] = [
            ("train-images-idx3-ubyte.gz", IDXFile(images: bytes(50 * 784), rows: 28, columns: 28)),
            ("train-labels-idx1-ubyte", IDXFile(labels: bytes(50, below: 10))),
            ("t10k-images-idx3-ubyte", IDXFile(images: bytes(20 * 784), rows: 28, columns: 28)),
            ("t10k-labels-idx1-ubyte.gz", IDXFile(labels: bytes(20, below: 10))),
        ]
        for (name, file) in files {
            try Data(file.encoded(gzip: name.hasSuffix(".gz"))).write(to: directory.appendingPathComponent(name))
        }
        try Self.expectMatchesReference(directory, validationSize: 12)
        try Self.expectMatchesReference(directory, validationSize: 3, limit: 10)
        #expect(throws: CLIError.self) { try MNISTTrainingData.load(directory: directory, validationSize: 50, limit: nil) }
    }

    @Test(Prerequisite.mnist.trait) func realMNISTLoadsAsTheSystemToolsReadIt() throws {
        try Prerequisite.mnist.require()
        try Self.expectMatchesReference(Repository.mnist, validationSize: 5000)
        let data = try MNISTTrainingData.load(directory: Repository.mnist, validationSize: 5000, limit: nil)
        #expect(data.training.count == 55_000 && data.validation.count == 5000 && data.test.count == 10_000)
        #expect(data.checksums == Dictionary(uniqueKeysWithValues: MNISTDownloader.mnistFiles.map { ($0.name, $0.sha256) }))
    }

    /// Damaged files and mismatched pairs are refused with a message naming the file.
    @Test func badFilesAreRefusedWithTheirName() throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        func expectError(containing text: String) {
            do {
                _ = try MNISTTrainingData.load(directory: directory, validationSize: 1, limit: nil)
                Issue.record("loaded bad data; expected \"\(text)\"")
            } catch {
                #expect("\(error)".contains(text), "\(error)")
            }
        }
        let images = IDXFile(images: [UInt8](repeating: 7, count: 3 * 784), rows: 28, columns: 28)
        try write("train-images-idx3-ubyte", images.encoded())
        try write("train-labels-idx1-ubyte", IDXFile(labels: [1, 2, 3]).encoded())
        try write("t10k-images-idx3-ubyte", images.encoded())
        expectError(containing: "t10k-labels-idx1-ubyte.gz")                      // missing
        try write("t10k-labels-idx1-ubyte", IDXFile(labels: [1, 2]).encoded())
        expectError(containing: "3 images but 2 labels")                          // count mismatch
        try write("t10k-labels-idx1-ubyte", IDXFile(labels: [1, 2, 3]).encoded())
        #expect(try MNISTTrainingData.load(directory: directory, validationSize: 1, limit: nil).training.count == 2)
        try write("train-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 3, 1, 12, 3])
        expectError(containing: "label 1 is 12")                                  // out of range
        try write("train-labels-idx1-ubyte", IDXFile(labels: [1, 2, 3]).encoded())
        try write("train-images-idx3-ubyte", Array(images.encoded().dropLast(100)))
        expectError(containing: "train-images-idx3-ubyte: truncated")             // truncated
        try write("train-images-idx3-ubyte.gz", Array(images.encoded(gzip: true).prefix(40)))
        expectError(containing: "train-images-idx3-ubyte.gz: truncated gzip data") // the .gz is preferred, and damaged
    }
}
