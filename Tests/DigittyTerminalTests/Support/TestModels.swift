import DigittyEngine
import Foundation

/// Models with fixed weights built in code: their answers are known without training.
enum TestModels {
    /// A model whose answer ignores the image: softmax of the given logits (Flatten → Dense with zero weights).
    static func fixed(logits: [Float], name: String = "fixed") throws -> SequentialModel {
        try SequentialModel(name: name, layers: [
            Flatten(),
            try Dense(weight: Tensor(shape: [784, 10], scalars: [Float](repeating: 0, count: 7840)),
                      bias: Tensor(shape: [10], scalars: logits)),
            Softmax(),
        ], provenance: ModelProvenance(trainedWith: "tests", testAccuracy: 0.1))
    }

    /// Logits that make `digit` the answer with about 99% probability.
    static func confident(_ digit: Int) -> [Float] {
        (0..<10).map { $0 == digit ? 8 : 0 }
    }

    /// Writes a model to a new temporary directory; returns the file.
    static func write(_ model: SequentialModel, fileName: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-terminal-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(fileName)
        try ModelFile.save(model, to: url)
        return url
    }
}
