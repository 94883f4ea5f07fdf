import DigittyTestSupport
import DigittyVision
import Foundation

/// MNIST digits from `../shared/data/mnist` beside the package, for tests that draw real handwriting: the test
/// split, or with `DIGITTY_ACCURACY_SPLIT=train` the training split (whose last 5,000, 55000–59999, are the
/// validation digits that choose models).
struct MNISTTestDigits {
    let dataset: MNISTDataset
    let count: Int

    /// The split named by `DIGITTY_ACCURACY_SPLIT` (default: test); `limit` digits of it are used.
    static func load(limit: Int) throws -> MNISTTestDigits {
        let train = ProcessInfo.processInfo.environment["DIGITTY_ACCURACY_SPLIT"] == "train"
        let dataset = try MNISTDataset.load(directory: Repository.mnist, split: train ? .train : .test)
        return MNISTTestDigits(dataset: dataset, count: min(limit, dataset.count))
    }

    var labels: [UInt8] { dataset.labels }

    /// Digit `index` as 784 grey levels 0…1.
    func pixels(_ index: Int) -> [Float] { dataset.images[(index * 784)..<((index + 1) * 784)].map { Float($0) / 255 } }
}
