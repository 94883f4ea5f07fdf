@testable import DigittyONNX
import Foundation
import Testing

/// Bad ONNX files get a clear, typed error that names what is wrong and where.
@Suite struct ImportValidationTests {
    /// x [N, 4] → Relu → y.
    static func reluModel() -> TestModel {
        var model = TestModel()
        model.input("x", [nil, 4])
        model.output("y", [nil, 4])
        model.node("Relu", ["x"], ["y"], name: "act")
        return model
    }

    @Test func aValidModelRuns() throws {
        let graph = try Self.reluModel().decode().graph
        let output = try graph.run(["x": ONNXTensor(shape: [1, 4], floats: [-1, 2, -3, 4])])
        #expect(output[0].floats == [0, 2, 0, 4])
    }

    @Test func garbageAndTruncatedBytesAreMalformed() throws {
        #expect(throws: ONNXError.self) { try ONNXFile.decode([0xFF, 0xFF, 0xFF, 0x01, 0x02]) }
        let bytes = Self.reluModel().bytes
        for length in [1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ONNXError.self) { try ONNXFile.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func oldIRVersionsAndUnsupportedOpsetsAreRefused() throws {
        var old = Self.reluModel()
        old.proto.irVersion = 2
        #expect(throws: ONNXError.self) { try old.decode() }
        var opset = TestModel(opset: 6)
        opset.input("x", [nil, 4]); opset.output("y"); opset.node("Relu", ["x"], ["y"])
        do { _ = try opset.decode(); Issue.record("opset 6 accepted") } catch {
            guard case .unsupportedVersion = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func danglingInputsAndMissingInitializersNameTheNode() throws {
        var model = Self.reluModel()
        model.node("Add", ["y", "bias"], ["z"], name: "add_bias")
        model.proto.graph.output = [TestModel.info("z", [nil, 4], type: 1)]
        do { _ = try model.decode(); Issue.record("missing initializer accepted") } catch {
            #expect(error.description.contains("add_bias") && error.description.contains("bias"))
        }
    }

    @Test func duplicateNamesAreRefused() throws {
        var model = Self.reluModel()
        model.node("Relu", ["x"], ["y"], name: "again")
        do { _ = try model.decode(); Issue.record("duplicate accepted") } catch {
            #expect(error.description.contains("more than once"))
        }
    }

    @Test func cyclesAreRefused() throws {
        var model = TestModel()
        model.input("x", [nil, 4]); model.output("b")
        model.node("Add", ["x", "b"], ["a"], name: "first")
        model.node("Relu", ["a"], ["b"], name: "second")
        do { _ = try model.decode(); Issue.record("cycle accepted") } catch {
            #expect(error.description.contains("cycle"))
        }
    }

    @Test func unsupportedOperatorsAndAttributesNameTheNodeAndOperator() throws {
        var model = Self.reluModel()
        model.node("Einsum", ["y"], ["z"], name: "fancy")
        do { _ = try model.decode(); Issue.record("Einsum accepted") } catch {
            #expect(error == .unsupportedOperator(node: "fancy", op: "Einsum", reason: error.reason))
            #expect(error.description.contains("fancy") && error.description.contains("Einsum"))
        }
        var attribute = Self.reluModel()
        attribute.proto.graph.node = []
        attribute.node("Relu", ["x"], ["y"], name: "act", int: ["bogus": 1])
        do { _ = try attribute.decode(); Issue.record("unknown attribute accepted") } catch {
            #expect(error == .badAttribute(node: "act", op: "Relu", attribute: "bogus", reason: "is not supported"))
        }
    }

    @Test func shapesThatDoNotBroadcastAreAnError() throws {
        var model = TestModel()
        model.input("x", [nil, 4]); model.output("y")
        model.initializer("b", ONNXTensor(shape: [3], floats: [1, 2, 3]))
        model.node("Add", ["x", "b"], ["y"], name: "add")
        let graph = try model.decode().graph
        do { _ = try graph.run(["x": ONNXTensor(shape: [2, 4], floats: Array(repeating: 0, count: 8))]); Issue.record("ran") } catch {
            #expect(error.description.contains("add") && error.description.contains("broadcast"))
        }
    }

    @Test func absurdDimensionsAreRefusedBeforeAllocating() throws {
        var huge = TestModel()
        huge.input("x", [nil, 4]); huge.output("y")
        var proto = TensorDecoding.encode(ONNXTensor(shape: [1], floats: [1]), name: "w")
        proto.dims = [1 << 30, 1 << 30]
        huge.proto.graph.initializer = [proto]
        huge.node("Add", ["x", "w"], ["y"])
        #expect(throws: ONNXError.self) { try huge.decode() }

        var pad = TestModel()
        pad.input("x", [nil, 4]); pad.output("y")
        pad.initializer("pads", ONNXTensor(shape: [4], integers: [0, 0, 0, 1 << 38]))
        pad.node("Pad", ["x", "pads"], ["y"], name: "pad")
        let graph = try pad.decode().graph
        do { _ = try graph.run(["x": ONNXTensor(shape: [1, 4], floats: [1, 2, 3, 4])]); Issue.record("ran") } catch {
            guard case .tooLarge = error else { Issue.record("\(error)"); return }
        }
    }

    /// A tensor of 2²⁴ elements or more is refused at once: at the old bound (2²⁶), a Pad over a 20 KB file's
    /// digit made the executor fill 850 MB and spend seconds before the next node refused the result (two
    /// "hangs" of the 100,000-case ONNX fuzz run, cases 13,379 and 85,814).
    @Test func anActivationFarBeyondADigitModelsIsRefusedBeforeItIsComputed() throws {
        var pad = TestModel()
        pad.input("x", [nil, 784]); pad.output("y")
        pad.initializer("pads", ONNXTensor(shape: [4], integers: [0, 0, 0, 5_000]))
        pad.node("Pad", ["x", "pads"], ["y"], name: "pad")
        let graph = try pad.decode().graph
        // 4,096 rows × 5,784 columns: 23.7 M elements.
        let input = ONNXTensor(shape: [4_096, 784], floats: Array(repeating: 0.5, count: 4_096 * 784))
        do { _ = try graph.run(["x": input]); Issue.record("ran") } catch {
            guard case .tooLarge = error else { Issue.record("\(error)"); return }
        }
    }

    /// Names come from the file: a newline in one is written as `\n`, so the error stays one line (the fuzz
    /// run's cases 6,867 and 92,080: an attribute `alph\n`, an input `\nc.w`).
    @Test func namesWithLineBreaksStayOnOneLineInErrors() throws {
        var model = TestModel()
        model.input("x", [nil, 4]); model.output("y")
        model.node("Add", ["x", "\nc.w"], ["y"], name: "add\u{2028}2")
        do { _ = try model.decode(); Issue.record("loaded") } catch {
            #expect(!error.description.contains("\n") && !error.description.contains("\u{2028}"))
            #expect(error.description.contains("'\\nc.w'"), "\(error.description)")
        }
        let attribute = ONNXError.badAttribute(node: "leakyrelu_6", op: "LeakyRelu", attribute: "alph\n", reason: "is not supported")
        #expect(attribute.description == "node 'leakyrelu_6' (LeakyRelu): attribute 'alph\\n': is not supported")
    }

    /// INT64_MIN and INT64_MAX in attributes and integer inputs are an error where they size something, and
    /// the ONNX idiom "to the very end" in Slice's starts and ends (`abs(Int64.min)` used to trap).
    @Test func extremeIntegersAreRangeErrorsOrSliceBounds() throws {
        for value in [Int64.min, Int64.max, Int64.min + 1] {
            var model = TestModel()
            model.input("x", [nil, 4]); model.output("y")
            model.node("Flatten", ["x"], ["y"], name: "flat", int: ["axis": value])
            let graph = try model.decode().graph
            do { _ = try graph.run(["x": ONNXTensor(shape: [1, 4], floats: [1, 2, 3, 4])]); Issue.record("ran") } catch {
                #expect(error == .badAttribute(node: "flat", op: "Flatten", attribute: "axis", reason: "\(value) is out of range"))
            }
            var pad = TestModel()
            pad.input("x", [nil, 4]); pad.output("y")
            pad.initializer("pads", ONNXTensor(shape: [4], integers: [0, value, 0, 0]))
            pad.node("Pad", ["x", "pads"], ["y"], name: "pad")
            #expect(throws: ONNXError.self) { try pad.decode().graph.run(["x": ONNXTensor(shape: [1, 4], floats: [1, 2, 3, 4])]) }
        }
        // x[:, ::-1] as exporters write it: starts -1, ends INT64_MIN, steps -1; and x[:, 1:] with ends INT64_MAX.
        for (starts, ends, steps, expected) in [(Int64(-1), Int64.min, Int64(-1), [Float]([4, 3, 2, 1])),
                                                 (1, Int64.max, 1, [2, 3, 4])] {
            var slice = TestModel()
            slice.input("x", [nil, 4]); slice.output("y")
            slice.initializer("starts", ONNXTensor(shape: [1], integers: [starts]))
            slice.initializer("ends", ONNXTensor(shape: [1], integers: [ends]))
            slice.initializer("axes", ONNXTensor(shape: [1], integers: [1]))
            slice.initializer("steps", ONNXTensor(shape: [1], integers: [steps]))
            slice.node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])
            let output = try slice.decode().graph.run(["x": ONNXTensor(shape: [1, 4], floats: [1, 2, 3, 4])])
            #expect(output[0].floats == expected)
        }
        var old = TestModel(opset: 9)
        old.input("x", [nil, 4]); old.output("y")
        old.node("Slice", ["x"], ["y"], ints: ["starts": [1], "ends": [Int64.max], "axes": [1]])
        #expect(try old.decode().graph.run(["x": ONNXTensor(shape: [1, 4], floats: [1, 2, 3, 4])])[0].floats == [2, 3, 4])
    }

    @Test func typedFieldsAreReadLikeRawData() throws {
        var proto = Onnx_TensorProto()
        proto.dataType = 1; proto.dims = [2]; proto.floatData = [1.5, -2]
        #expect(try TensorDecoding.decode(proto, context: "t").floats == [1.5, -2])
        proto.floatData = [1]
        #expect(throws: ONNXError.self) { try TensorDecoding.decode(proto, context: "t") }
        var integers = Onnx_TensorProto()
        integers.dataType = 7; integers.dims = [3]; integers.int64Data = [1, -2, 3]
        #expect(try TensorDecoding.decode(integers, context: "t").integers == [1, -2, 3])
        var unsupported = Onnx_TensorProto()
        unsupported.dataType = 11; unsupported.dims = [1]; unsupported.doubleData = [1]
        #expect(throws: ONNXError.self) { try TensorDecoding.decode(unsupported, context: "t") }
    }
}

extension ONNXError {
    var reason: String {
        if case let .unsupportedOperator(_, _, reason) = self { return reason }
        return ""
    }
}
