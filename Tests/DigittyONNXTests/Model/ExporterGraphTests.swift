import DigittyEngine
import DigittyONNX
import DigittyTestSupport
import Foundation
import Testing

/// The seed CNN rebuilt as other exporters write graphs (`Support/exporter_graphs.py`, with the `onnx` package):
/// a Conv without bias followed by an Add, Gemm + Add, a Reshape whose shape is computed from the data, Constant
/// nodes, weights in typed fields, NCHW input taking raw 0–255 pixels. Against ONNX Runtime on the 10,000 MNIST
/// test digits: identical labels and probabilities within 1e-5, converted and on the graph executor.
@Suite struct ExporterGraphTests {
    static let seed = Repository.seedModel
    static let mnist = Repository.mnist
    static let prerequisite = Prerequisite.all(.seedModel, .mnist, Python.prerequisite(["onnx", "onnxruntime", "numpy"]))

    @Test(prerequisite.trait, .tags(.slow))
    func olderExporterGraphsMatchONNXRuntime() throws {
        try Self.prerequisite.require()
        let directory = Repository.temporaryDirectory("onnx")
        defer { try? FileManager.default.removeItem(at: directory) }
        try ONNXRuntime.runScript("exporter_graphs.py", [Self.seed.path, directory.path])
        let labelled = directory.appendingPathComponent("older_exporter.onnx")
        let unlabelled = directory.appendingPathComponent("older_exporter_unlabelled.onnx")
        let reference = directory.appendingPathComponent("reference")
        try ONNXRuntime.reference(["mnist", labelled.path, Self.mnist.path, reference.path, "byte"])
        let bytes = [UInt8](try Data(contentsOf: reference.appendingPathComponent("images.u8")))
        let truth = [UInt8](try Data(contentsOf: reference.appendingPathComponent("labels.u8"))).map(Int.init)
        let expected = try ONNXRuntime.floats(reference.appendingPathComponent("probabilities.f32"))
        let images = Tensor(shape: [truth.count, 28, 28, 1], scalars: bytes.map { Float($0) / 255 })
        #expect(truth.count == 10_000)
        let expectedLabels = SeedModelTests.labels(expected)

        // The scaling recorded in metadata_props; the same graph without it, told by the option.
        let recorded = try ModelLoader.load(contentsOf: labelled)
        let told = try ModelLoader.load(contentsOf: unlabelled, scaling: .byte)
        let executor = try ModelLoader.loadONNX(contentsOf: labelled)
        #expect(recorded is SequentialModel, "the older exporter's graph converts to a native model")
        #expect(told is SequentialModel)
        for (kind, model) in [("converted, scaling from the file", recorded), ("converted, --scaling byte", told),
                              ("graph executor", executor as any ImageClassifier)] {
            #expect(model.input.scaling == .byte)
            let output = try model.probabilities(for: images).scalars
            let difference = zip(output, expected).map { abs($0 - $1) }.max() ?? .infinity
            let agree = zip(SeedModelTests.labels(output), expectedLabels).filter { $0 == $1 }.count
            let correct = zip(SeedModelTests.labels(output), truth).filter { $0 == $1 }.count
            print("older exporter graph, \(kind): labels identical to ONNX Runtime on \(agree)/\(truth.count), "
                  + "max probability difference \(difference), accuracy \(Double(correct) / 100)%")
            #expect(agree == truth.count)
            #expect(difference <= 1e-5)
        }
        // Without the record or the option, the model is fed 0…1 and reads garbage: what the option is for.
        let unscaled = try ModelLoader.load(contentsOf: unlabelled)
        #expect(unscaled.input.scaling == .unit)
        let wrong = try unscaled.probabilities(for: images).scalars
        #expect(zip(SeedModelTests.labels(wrong), expectedLabels).filter { $0 == $1 }.count < truth.count * 9 / 10)
    }
}
