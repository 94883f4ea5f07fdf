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

    /// Older exporters: Conv without bias then Add of a [1, C, 1, 1] constant (from a Constant node here), Gemm
    /// then Add, and an Add naming the constant first. Each Add folds into the layer's bias.
    @Test func biasAddsAfterConvGemmAndMatMulFoldIntoTheLayer() throws {
        var values = SeededValues(seed: 17)
        var model = TestModel(opset: 13)
        model.input("image", [nil, 1, 28, 28])
        model.output("logits", [nil, 10])
        model.initializer("conv.w", ONNXTensor(shape: [4, 1, 3, 3], floats: values.next(36, scale: 0.5)))
        model.initializer("fc.w", ONNXTensor(shape: [10, 4 * 13 * 13], floats: values.next(6760, scale: 0.05)))
        model.initializer("fc.b", ONNXTensor(shape: [1, 10], floats: values.next(10, scale: 0.1)))
        model.initializer("out.w", ONNXTensor(shape: [10, 10], floats: values.next(100, scale: 0.3)))
        model.initializer("out.b", ONNXTensor(shape: [10], floats: values.next(10, scale: 0.1)))
        var bias = Onnx_AttributeProto()
        bias.name = "value"; bias.type = .tensor
        bias.t = TensorDecoding.encode(ONNXTensor(shape: [1, 4, 1, 1], floats: values.next(4, scale: 0.2)), name: "b")
        model.node("Conv", ["image", "conv.w"], ["c"], ints: ["kernel_shape": [3, 3]])
        model.node("Constant", [], ["conv.b"])
        model.proto.graph.node[model.proto.graph.node.count - 1].attribute = [bias]
        model.node("Add", ["c", "conv.b"], ["cb"])
        model.node("Relu", ["cb"], ["r"])
        model.node("MaxPool", ["r"], ["p"], ints: ["kernel_shape": [2, 2], "strides": [2, 2]])
        model.node("Flatten", ["p"], ["f"], int: ["axis": 1])
        model.node("Gemm", ["f", "fc.w"], ["g"], int: ["transB": 1])
        model.node("Add", ["g", "fc.b"], ["gb"])
        model.node("Relu", ["gb"], ["h"])
        model.node("MatMul", ["h", "out.w"], ["m"])
        model.node("Add", ["out.b", "m"], ["logits"])
        let onnx = try ONNXModel(try model.decode(), name: "older")
        let native = try ONNXConverter.convert(onnx)
        #expect(native.specs.map(\.typeName) == ["conv2d", "relu", "maxpool2d", "flatten", "dense", "relu", "dense"])
        let batch = Self.images(4)
        let expected = try onnx.probabilities(for: batch), actual = try native.probabilities(for: batch)
        #expect(zip(expected.scalars, actual.scalars).allSatisfy { abs($0 - $1) <= 1e-5 })

        // An Add that is not a per-channel bias (a [C, H, W] map) has no native form.
        var map = model
        map.initializer("map", ONNXTensor(shape: [4, 26, 26], floats: values.next(4 * 26 * 26)))
        map.proto.graph.node[2].input = ["c", "map"]
        #expect(throws: ConversionError.self) { try ONNXConverter.convert(try ONNXModel(try map.decode(), name: "map")) }
    }

    /// A model's scaling: the option, else what the file's metadata_props record, else unit; a malformed
    /// record is an error, not silently unit.
    @Test func scalingComesFromTheOptionThenTheFileThenUnit() throws {
        var model = Self.pytorchStyle()
        var entry = Onnx_StringStringEntryProto()
        entry.key = ONNXModel.inputMetadataKey
        entry.value = #"{"height":28,"width":28,"scaling":{"kind":"byte"}}"#
        model.proto.metadataProps = [entry]
        #expect(try ONNXModel(try model.decode(), name: "m").input.scaling == .byte)
        #expect(try ONNXModel(try model.decode(), name: "m", scaling: .unit).input.scaling == .unit)
        model.proto.metadataProps[0].value = #"{"height":28}"#
        do { _ = try ONNXModel(try model.decode(), name: "m"); Issue.record("accepted") } catch {
            #expect(error.description == "bad input: metadata_props 'digitty.input': 'width' is missing")
        }
    }

    /// NaN or infinite weights are refused at load, naming the tensor; a model whose output is not finite
    /// gives an error instead of probabilities.
    @Test func nonFiniteWeightsAndOutputsAreErrors() throws {
        var model = Self.pytorchStyle()
        model.proto.graph.initializer[1] = TensorDecoding.encode(ONNXTensor(shape: [4], floats: [0, .infinity, 0, 0]), name: "conv.b")
        do { _ = try ONNXModel(try model.decode(), name: "m"); Issue.record("accepted") } catch {
            #expect(error == .badTensor(name: "conv.b", reason: "holds inf at element 1; weights must be finite numbers"))
        }
        var overflowing = Self.pytorchStyle()
        overflowing.proto.graph.initializer[2] = TensorDecoding.encode(
            ONNXTensor(shape: [10, 4 * 14 * 14], floats: [Float](repeating: 3e38, count: 7840)), name: "fc.w")
        let onnx = try ONNXModel(try overflowing.decode(), name: "m")
        #expect(throws: ModelError.self) { try onnx.probabilities(for: Self.images(2)) }
        #expect(throws: ConversionError.self) { try ONNXConverter.convert(onnx) }
    }

    @Test func scalingComesFromTheOptionElseUnit() throws {
        let contents = try Self.pytorchStyle().decode()
        #expect(try ONNXModel(contents, name: "m").input.scaling == .unit)
        let scaled = try ONNXModel(contents, name: "m", scaling: .standardized(mean: 0.1307, std: 0.3081))
        #expect(scaled.input.scaling == .standardized(mean: 0.1307, std: 0.3081))
        #expect(try ONNXConverter.convert(scaled).input.scaling == .standardized(mean: 0.1307, std: 0.3081))
    }
}
