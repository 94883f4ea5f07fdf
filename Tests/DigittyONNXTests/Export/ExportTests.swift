@testable import DigittyONNX
import DigittyEngine
import DigittyTestSupport
import Foundation
import Testing

/// Native models exported as ONNX run the same in digitty's importer and in ONNX Runtime.
@Suite struct ExportTests {
    /// Conv (same) → ReLU → MaxPool → BatchNorm → Conv (stride 2) → LeakyReLU → Flatten → Dense → ReLU →
    /// Dropout → Dense, without a final Softmax (the export adds it).
    static func builtModel() throws -> SequentialModel {
        var values = SeededValues(seed: 11)
        func tensor(_ shape: [Int], scale: Float) -> Tensor {
            Tensor(shape: shape, scalars: values.next(shape.reduce(1, *), scale: scale))
        }
        let layers: [any Layer] = [
            try Conv2D(weight: tensor([3, 3, 1, 6], scale: 0.5), bias: tensor([6], scale: 0.1), padding: .same),
            ReLU(),
            try MaxPool2D(size: 2),
            try BatchNorm(gamma: tensor([6], scale: 1), beta: tensor([6], scale: 0.1), mean: tensor([6], scale: 0.1),
                          variance: Tensor(shape: [6], scalars: values.next(6).map { abs($0) + 0.5 })),
            try Conv2D(weight: tensor([3, 3, 6, 8], scale: 0.3), bias: tensor([8], scale: 0.1), stride: 2),
            LeakyReLU(alpha: 0.1),
            Flatten(),
            try Dense(weight: tensor([6 * 6 * 8, 32], scale: 0.1), bias: tensor([32], scale: 0.1)),
            ReLU(),
            try Dropout(rate: 0.2),
            try Dense(weight: tensor([32, 10], scale: 0.3), bias: tensor([10], scale: 0.1)),
        ]
        return try SequentialModel(name: "built", input: .mnist, layers: layers,
                                   provenance: ModelProvenance(trainedWith: "built in code"))
    }

    static func testImages(_ count: Int) -> Tensor {
        var values = SeededValues(seed: 5)
        return Tensor(shape: [count, 28, 28, 1], scalars: values.next(count * 784).map { max(0, $0) })
    }

    @Test func exportedModelsReimportWithTheSamePredictions() throws {
        let model = try Self.builtModel()
        let contents = try ONNXFile.decode(try ONNXExporter.export(model))
        #expect(contents.graph.opset == 13)
        let imported = try ONNXModel(contents, name: "built")
        #expect(imported.input == model.input)
        #expect(imported.provenance.trainedWith == "built in code")
        let batch = Self.testImages(8)
        let expected = try model.probabilities(for: batch), actual = try imported.probabilities(for: batch)
        #expect(zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max()! <= 1e-5)
        // And back to native: the export of a sequential model is itself Sequential-shaped.
        let native = try ONNXConverter.convert(imported)
        let again = try native.probabilities(for: batch)
        #expect(zip(expected.scalars, again.scalars).map { abs($0 - $1) }.max()! <= 1e-5)
    }

    @Test(Prerequisite.all(ONNXRuntime.prerequisite, .seedModel, .mnist).trait)
    func onnxRuntimeRunsExportsLikeDigitty() throws {
        let reference = try SeedModelTests.reference()  // real test digits; requires the prerequisites
        let models = [try Self.builtModel(), try ONNXConverter.convert(try ModelLoader.loadONNX(contentsOf: Repository.seedModel))]
        let images = Tensor(shape: [500, 28, 28, 1], scalars: Array(reference.images.scalars.prefix(500 * 784)))
        let directory = Repository.temporaryDirectory("onnx")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("images.f32")
        try ONNXRuntime.write(images.scalars, to: input)
        for model in models {
            let file = directory.appendingPathComponent("\(model.name).onnx")
            try ONNXExporter.write(model, to: file)
            let output = directory.appendingPathComponent("\(model.name).f32")
            try ONNXRuntime.reference(["run", file.path, input.path, String(images.shape[0]), output.path])
            let expected = try model.probabilities(for: images).scalars
            let difference = zip(expected, try ONNXRuntime.floats(output)).map { abs($0 - $1) }.max() ?? .infinity
            print("export round trip of \(model.name) through ONNX Runtime: max probability difference \(difference) on \(images.shape[0]) images")
            #expect(difference <= 1e-5)
        }
    }
}
