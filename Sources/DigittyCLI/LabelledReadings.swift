import DigittyTraining
import DigittyEngine
import DigittyVision
import Dispatch
import Foundation

/// Labelled images read one by one through the reader (as `predict --raw` reads an MNIST-framed image), so
/// that verdicts and calibrated probabilities are exactly what a person would be shown.
struct LabelledReadings {
    var readings: [Reading]
    var labels: [Int]

    /// Reads every image of `images` (already framed as MNIST's) with `model`, on all cores.
    init(_ images: LabelledImages, model: any ImageClassifier) throws {
        let reader = DigitReader(model: model, preprocessing: false)
        let chunks = max(1, min(images.count, 2 * ProcessInfo.processInfo.activeProcessorCount))
        let results = ChunkResults([Result<[Reading], ReaderError>](repeating: .success([]), count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = images.count * chunk / chunks ..< images.count * (chunk + 1) / chunks
            results.update(chunk, Result { () throws(ReaderError) -> [Reading] in
                var readings: [Reading] = []
                for index in range {
                    let bytes = Array(images.pixels[index * images.imageSize ..< (index + 1) * images.imageSize])
                    readings.append(try reader.read(GrayImage(width: images.width, height: images.height, bytes: bytes)))
                }
                return readings
            })
        }
        readings = try results.values.flatMap { try $0.get() }
        labels = images.labels.map(Int.init)
    }

    /// The readings of images labelled as digits (0…9), with their labels.
    var digits: [(reading: Reading, label: Int)] {
        zip(readings, labels).filter { $0.1 < 10 }.map { ($0.0, $0.1) }
    }
    /// The readings of images labelled "not a digit".
    var junk: [Reading] { zip(readings, labels).filter { $0.1 >= 10 }.map(\.0) }
}

/// Results written by concurrent workers, each into its own slot.
private final class ChunkResults<Value>: @unchecked Sendable {
    private(set) var values: [Value]
    private let lock = NSLock()
    init(_ values: [Value]) { self.values = values }
    func update(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }
}
