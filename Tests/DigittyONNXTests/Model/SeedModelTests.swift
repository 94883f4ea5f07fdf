import DigittyEngine
import DigittyONNX
import DigittyTestSupport
import Foundation
import Testing

/// The original project's simple CNN (`../shared/models/seed_simple_rot6.onnx`) against ONNX Runtime on the
/// full MNIST test set: identical labels, probabilities within 1e-4, and its accuracy reported.
@Suite(Prerequisite.seedModel.trait) struct SeedModelTests {
    static let seed = Repository.seedModel

    struct Reference {
        let images: Tensor
        let labels: [Int]
        let probabilities: [Float]
    }

    static func reference() throws -> Reference {
        try Prerequisite.all(.seedModel, .mnist, ONNXRuntime.prerequisite).require()
        let (model, mnist) = (seed, Repository.mnist)
        let directory = Repository.temporaryDirectory("onnx")
        defer { try? FileManager.default.removeItem(at: directory) }
        try ONNXRuntime.reference(["mnist", model.path, mnist.path, directory.path])
        let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent("images.u8")))
        let labels = [UInt8](try Data(contentsOf: directory.appendingPathComponent("labels.u8"))).map(Int.init)
        let images = Tensor(shape: [labels.count, 28, 28, 1], scalars: bytes.map { Float($0) / 255 })
        return Reference(images: images, labels: labels,
                         probabilities: try ONNXRuntime.floats(directory.appendingPathComponent("probabilities.f32")))
    }

    static func labels(_ probabilities: [Float], classes: Int = 10) -> [Int] {
        stride(from: 0, to: probabilities.count, by: classes).map { start in
            let row = probabilities[start..<start + classes]
            return row.firstIndex(of: row.max()!)! - start
        }
    }

    @Test(Prerequisite.all(.mnist, ONNXRuntime.prerequisite).trait, .tags(.slow))
    func matchesONNXRuntimeOnTheMNISTTestSet() throws {
        let reference = try Self.reference(), url = Self.seed
        #expect(reference.labels.count == 10_000)
        let loaded = try ModelLoader.load(contentsOf: url)
        #expect(loaded is SequentialModel, "the seed model converts to a native sequential model")
        let graph = try ModelLoader.loadONNX(contentsOf: url)
        let reportedLabels = Self.labels(reference.probabilities)
        let orAccuracy = Double(zip(reportedLabels, reference.labels).filter { $0 == $1 }.count) / Double(reference.labels.count)
        for (kind, model) in [("native (converted)", loaded), ("graph executor", graph as any ImageClassifier)] {
            let output = try model.probabilities(for: reference.images)
            let difference = zip(output.scalars, reference.probabilities).map { abs($0 - $1) }.max() ?? .infinity
            let labels = Self.labels(output.scalars)
            let correct = zip(labels, reference.labels).filter { $0 == $1 }.count
            let agree = zip(labels, reportedLabels).filter { $0 == $1 }.count
            print("seed_simple_rot6 \(kind): accuracy \(Double(correct) / 100)% (ONNX Runtime \(orAccuracy * 100)%), "
                  + "labels identical to ONNX Runtime on \(agree)/\(labels.count), max probability difference \(difference)")
            #expect(agree == labels.count)
            #expect(difference <= 1e-4)
        }
    }

    @Test func convertedPredictionsEqualTheGraphExecutors() throws {
        try Prerequisite.seedModel.require()
        let url = Self.seed
        let graph = try ModelLoader.loadONNX(contentsOf: url)
        let native = try ONNXConverter.convert(graph)
        #expect(native.specs.map(\.typeName) == ["conv2d", "relu", "maxpool2d", "flatten", "dense", "relu", "dense", "softmax"])
        var state: UInt64 = 42
        let images = (0..<64 * 784).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 62 == 0 ? Float(state >> 40 & 0xFF) / 255 : 0
        }
        let batch = Tensor(shape: [64, 28, 28, 1], scalars: images)
        let expected = try graph.probabilities(for: batch), actual = try native.probabilities(for: batch)
        #expect(Self.labels(expected.scalars) == Self.labels(actual.scalars))
        #expect(zip(expected.scalars, actual.scalars).allSatisfy { abs($0 - $1) <= 1e-5 })
    }
}
