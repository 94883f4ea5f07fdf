import Foundation

/// MNIST test digits from `../shared/data/mnist` beside the package, for tests that draw real handwriting.
///
/// INTERIM: reads the gzip'd IDX files with the system `gzip`; switches to DigittyVision's `MNISTDataset` once that
/// lands on main.
struct MNISTTestDigits {
    let images: [UInt8]
    let labels: [UInt8]
    var count: Int { labels.count }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/mnist")

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz").path)
    }

    /// The first `limit` test digits.
    static func load(limit: Int) throws -> MNISTTestDigits {
        let images = try gunzip("t10k-images-idx3-ubyte.gz"), labels = try gunzip("t10k-labels-idx1-ubyte.gz")
        guard images.count >= 16, labels.count >= 8 else { throw CocoaError(.fileReadCorruptFile) }
        let count = min(limit, (images.count - 16) / 784, labels.count - 8)
        return MNISTTestDigits(images: Array(images[16..<(16 + count * 784)]), labels: Array(labels[8..<(8 + count)]))
    }

    /// Digit `index` as 784 grey levels 0…1.
    func pixels(_ index: Int) -> [Float] { images[(index * 784)..<((index + 1) * 784)].map { Float($0) / 255 } }

    private static func gunzip(_ name: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", directory.appendingPathComponent(name).path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
