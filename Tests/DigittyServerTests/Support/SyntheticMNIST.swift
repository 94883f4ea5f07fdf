import DigittyVision
import DigittyTestSupport
import Foundation

/// Small MNIST-format data sets written by tests, for `digitty train --data DIR`: four classes of strokes
/// (horizontal, vertical and the two diagonals) at varying places, as raw IDX files.
enum SyntheticMNIST {
    /// The files' names, as `digitty train` looks for them.
    static let files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// Writes `training` training images and `test` test images, with their labels, into a new directory.
    static func write(training: Int, test: Int) throws -> URL {
        let directory = Repository.temporaryDirectory("server")
        for (prefix, count, seed) in [("train", training, 1), ("t10k", test, 2)] {
            var images: [UInt8] = [], labels: [UInt8] = []
            for index in 0..<count {
                let label = (index * 7 + seed) % 4
                let offset = Double((index * 13 + seed * 5) % 11) + 8.5
                let (start, end): ((Double, Double), (Double, Double)) = switch label {
                case 0: ((6, offset), (22, offset))
                case 1: ((offset, 6), (offset, 22))
                case 2: ((6, 6), (22, 22))
                default: ((22, 6), (6, 22))
                }
                images += Drawings.stroke(from: start, to: end).bytes
                labels.append(UInt8(label))
            }
            try Data(header(0x803, count, 28, 28) + images).write(to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
            try Data(header(0x801, count) + labels).write(to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        return directory
    }

    /// The SHA-256 of each file in `directory`, by file name.
    static func checksums(in directory: URL) throws -> [String: String] {
        var checksums: [String: String] = [:]
        for file in files { checksums[file] = SHA256.hex([UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))) }
        return checksums
    }

    /// An IDX header: the magic number, then the dimensions, all big-endian 32-bit.
    private static func header(_ values: Int...) -> [UInt8] {
        values.flatMap { value in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    }
}
