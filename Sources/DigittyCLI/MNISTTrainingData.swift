import DigittyEngine
import Foundation

/// The MNIST images a training run uses: training images (minus the validation split), validation images
/// (the last `validationSize` training images), and the test set (reported only), with the files' SHA-256.
struct MNISTTrainingData {
    var training: LabelledImages
    var validation: LabelledImages
    var test: LabelledImages
    var checksums: [String: String]
    var directory: URL

    static let files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                        "t10k-labels-idx1-ubyte"]

    /// Loads the four files from `directory`; `limit` keeps only the first images of each set.
    static func load(directory: URL, validationSize: Int, limit: Int?) throws -> MNISTTrainingData {
        let (trainImages, trainLabels) = try (IDXReader.read(directory, files[0]), IDXReader.read(directory, files[1]))
        let (testImages, testLabels) = try (IDXReader.read(directory, files[2]), IDXReader.read(directory, files[3]))
        var all = try IDXReader.images(trainImages.bytes, labels: trainLabels.bytes, name: files[0])
        var test = try IDXReader.images(testImages.bytes, labels: testLabels.bytes, name: files[2])
        if let limit {
            all = all.subset(0..<min(limit, all.count))
            test = test.subset(0..<min(limit, test.count))
        }
        guard validationSize >= 0, validationSize < all.count else {
            throw CLIError("--validation-size \(validationSize) must be below the \(all.count) training images")
        }
        let split = all.count - validationSize
        var checksums: [String: String] = [:]
        for file in [trainImages, trainLabels, testImages, testLabels] {
            checksums[file.name] = file.sha256
        }
        return MNISTTrainingData(training: all.subset(0..<split), validation: all.subset(split..<all.count), test: test,
                                 checksums: checksums, directory: directory)
    }

    /// Only the test set of `directory`.
    static func testSet(directory: URL) throws -> LabelledImages {
        let (images, labels) = try (IDXReader.read(directory, files[2]), IDXReader.read(directory, files[3]))
        return try IDXReader.images(images.bytes, labels: labels.bytes, name: files[2])
    }

    var summary: String {
        "MNIST train, \(training.count) images; validation: the last \(validation.count); test: \(test.count)"
    }
}

/// Interim IDX reading (raw or gzip) until DigittyVision's MNISTDataset lands.
enum IDXReader {
    struct File { var name: String; var bytes: [UInt8]; var sha256: String }

    static func read(_ directory: URL, _ name: String) throws -> File {
        let raw = directory.appendingPathComponent(name), gz = directory.appendingPathComponent(name + ".gz")
        if FileManager.default.fileExists(atPath: gz.path) {
            let bytes = try run("/bin/gzip", ["-dc", gz.path])
            return File(name: name + ".gz", bytes: bytes, sha256: try sha256(gz))
        }
        guard let data = FileManager.default.contents(atPath: raw.path) else {
            throw CLIError("cannot read MNIST file \(raw.path) (or \(gz.lastPathComponent)); use --data DIR")
        }
        return File(name: name, bytes: Array(data), sha256: try sha256(raw))
    }

    static func sha256(_ url: URL) throws -> String {
        String(decoding: try run("/usr/bin/sha256sum", [url.path]).prefix(64), as: UTF8.self)
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> [UInt8] {
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

    static func images(_ images: [UInt8], labels: [UInt8], name: String) throws -> LabelledImages {
        func int(_ bytes: [UInt8], _ at: Int) -> Int {
            bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        guard images.count >= 16, int(images, 0) == 0x803, labels.count >= 8, int(labels, 0) == 0x801 else {
            throw CLIError("\(name): not an MNIST IDX image/label pair")
        }
        let count = int(images, 4), rows = int(images, 8), columns = int(images, 12)
        guard count == int(labels, 4), rows > 0, rows <= 1024, columns > 0, columns <= 1024,
              images.count == 16 + count * rows * columns, labels.count == 8 + count else {
            throw CLIError("\(name): counts or sizes do not match the file")
        }
        let classes = Array(labels[8...])
        guard classes.allSatisfy({ $0 < 10 }) else { throw CLIError("\(name): a label is outside 0…9") }
        return try LabelledImages(pixels: Array(images[16...]), labels: classes, height: rows, width: columns)
    }
}
