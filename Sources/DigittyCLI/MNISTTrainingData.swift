import DigittyEngine
import DigittyTraining
import DigittyVision
import Foundation

/// The MNIST images a training run uses: training images (minus the validation split), validation images
/// (the last `validationSize` training images), and the test set (reported only), with the files' SHA-256.
struct MNISTTrainingData {
    var training: LabelledImages
    var validation: LabelledImages
    var test: LabelledImages
    /// The SHA-256 of each file read, by file name (e.g. `train-images-idx3-ubyte.gz`).
    var checksums: [String: String]
    var directory: URL

    /// Loads the four files from `directory`; `limit` keeps only the first images of each set.
    static func load(directory: URL, validationSize: Int, limit: Int?) throws -> MNISTTrainingData {
        var all = try images(MNISTDataset.load(directory: directory, split: .train))
        var test = try testSet(directory: directory)
        if let limit {
            all = all.subset(0..<min(limit, all.count))
            test = test.subset(0..<min(limit, test.count))
        }
        guard validationSize >= 0, validationSize < all.count else {
            throw CLIError("--validation-size \(validationSize) must be below the \(all.count) training images")
        }
        var checksums: [String: String] = [:]
        for split in MNISTDataset.Split.allCases {
            let files = try MNISTDataset.files(in: directory, split: split)
            for file in [files.images, files.labels] {
                checksums[file.lastPathComponent] = try SHA256.hex(contentsOf: file)
            }
        }
        let split = all.count - validationSize
        return MNISTTrainingData(training: all.subset(0..<split), validation: all.subset(split..<all.count), test: test,
                                 checksums: checksums, directory: directory)
    }

    /// Only the test set of `directory`.
    static func testSet(directory: URL) throws -> LabelledImages {
        try images(MNISTDataset.load(directory: directory, split: .test))
    }

    /// The engine's form of a dataset: the same bytes.
    private static func images(_ dataset: MNISTDataset) throws -> LabelledImages {
        try LabelledImages(pixels: dataset.images, labels: dataset.labels,
                           height: MNISTDataset.rows, width: MNISTDataset.columns)
    }

    var summary: String {
        "MNIST train, \(training.count) images; validation: the last \(validation.count); test: \(test.count)"
    }
}

/// Where MNIST is: `--data DIR`, else `$DIGITTY_DATA`, else the per-user cache.
func mnistDirectory(_ option: String?) -> URL {
    MNISTLocation.resolve(explicit: option)
}
