@testable import DigittyONNX
import DigittyEngine
import Foundation
import Testing

/// Sequential-shaped graphs convert to native models that predict what the graph executor predicts.
@Suite struct ConverterTests {
    /// PyTorch-style: NCHW input, Conv with padding 1, MaxPool, Flatten in NCHW order, Gemm with transB,
    /// logits out (no Softmax).
    static func pytorchStyle() -> TestModel {
        var values = SeededValues(seed: 7)
        var model = TestModel(opset: 13)
        model.input("image", [nil, 1, 28, 28])
        model.output("logits", [nil, 10])
        model.initializer("conv.w", ONNXTensor(shape: [4, 1, 3, 3], floats: values.next(36, scale: 0.5)))
        model.initializer("conv.b", ONNXTensor(shape: [4], floats: values.next(4, scale: 0.1)))
        model.initializer("fc.w", ONNXTensor(shape: [10, 4 * 14 * 14], floats: values.next(7840, scale: 0.05)))
        model.initializer("fc.b", ONNXTensor(shape: [10], floats: values.next(10, scale: 0.1)))
        model.node("Conv", ["image", "conv.w", "conv.b"], ["c"], ints: ["kernel_shape": [3, 3], "pads": [1, 1, 1, 1]])
        model.node("Relu", ["c"], ["r"])
        model.node("MaxPool", ["r"], ["p"], ints: ["kernel_shape": [2, 2], "strides": [2, 2]])
        model.node("Flatten", ["p"], ["f"], int: ["axis": 1])
        model.node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], int: ["transB": 1])
        return model
    }

    static func images(_ count: Int) -> Tensor {
        var values = SeededValues(seed: 99)
        return Tensor(shape: [count, 28, 28, 1], scalars: values.next(count * 784).map { max(0, $0) })
    }

    @Test func channelsFirstGraphsConvertWithPermutedDenseRows() throws {
        let model = try ONNXModel(try Self.pytorchStyle().decode(), name: "torch")
        #expect(model.input.sampleShape == [1, 28, 28])
        let native = try ONNXConverter.convert(model)
        #expect(native.specs.map(\.typeName) == ["conv2d", "relu", "maxpool2d", "flatten", "dense"])
        let batch = Self.images(5)
        let expected = try model.probabilities(for: batch), actual = try native.probabilities(for: batch)
        #expect(zip(expected.scalars, actual.scalars).allSatisfy { abs($0 - $1) <= 1e-5 })
        // Logits were turned into probabilities.
        for row in 0..<5 { #expect(abs(actual.scalars[row * 10..<(row + 1) * 10].reduce(0, +) - 1) < 1e-5) }
    }

    @Test func graphsWithoutANativeFormStayOnTheExecutor() throws {
        var model = Self.pytorchStyle()
        model.proto.graph.node[1].opType = "Sigmoid"
        let onnx = try ONNXModel(try model.decode(), name: "sigmoid")
        #expect(throws: ConversionError.self) { try ONNXConverter.convert(onnx) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-convert-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("sigmoid.onnx")
        try Data(model.bytes).write(to: url)
        #expect(try ModelLoader.load(contentsOf: url) is ONNXModel)
    }

    @Test func inputLayoutsAreInferredFromTheDeclaredShape() throws {
        for (dims, sample) in [([nil, 28, 28, 1], [28, 28, 1]), ([nil, 1, 28, 28], [1, 28, 28]),
                               ([nil, 784], [784]), ([nil, 28, 28], [28, 28]), ([1, 784], [784])] as [([Int64?], [Int])] {
            var model = TestModel()
            var values = SeededValues(seed: 3)
            model.input("x", dims)
            model.output("y")
            model.initializer("shape", ONNXTensor(shape: [2], integers: [-1, 784]))
            model.initializer("w", ONNXTensor(shape: [784, 10], floats: values.next(7840, scale: 0.1)))
            model.node("Reshape", ["x", "shape"], ["flat"])
            model.node("MatMul", ["flat", "w"], ["y"])
            let onnx = try ONNXModel(try model.decode(), name: "mlp")
            #expect(onnx.input.sampleShape == sample)
            #expect(onnx.input.height == 28 && onnx.input.width == 28)
            let probabilities = try onnx.probabilities(for: Self.images(3))
            #expect(probabilities.shape == [3, 10])
            #expect(try ONNXConverter.convert(onnx).specs.map(\.typeName) == ["dense"])
        }
        var odd = TestModel()
        odd.input("x", [nil, 3, 28, 28]); odd.output("y"); odd.node("Relu", ["x"], ["y"])
        #expect(throws: ONNXError.self) { try ONNXModel(try odd.decode(), name: "rgb") }
    }

    @Test func scalingComesFromTheOptionElseUnit() throws {
        let contents = try Self.pytorchStyle().decode()
        #expect(try ONNXModel(contents, name: "m").input.scaling == .unit)
        let scaled = try ONNXModel(contents, name: "m", scaling: .standardized(mean: 0.1307, std: 0.3081))
        #expect(scaled.input.scaling == .standardized(mean: 0.1307, std: 0.3081))
        #expect(try ONNXConverter.convert(scaled).input.scaling == .standardized(mean: 0.1307, std: 0.3081))
    }
}
