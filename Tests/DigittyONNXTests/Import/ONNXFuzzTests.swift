@testable import DigittyONNX
import DigittyEngine
import Foundation
import DigittyTestSupport
import Testing

/// Structural fuzzing of ONNX models: attributes, tensor shapes and data, initializers, node order and wiring,
/// operator types, declared inputs and opsets are mutated in the protobuf (and sometimes its bytes); every case
/// must load and predict consistently or fail with one line of error, never trap, hang or allocate wildly.
@Suite struct ONNXFuzzTests {
    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes(milliseconds: 60))))
    func mutatedModelsLoadOrFailCleanly() async throws {
        let campaign = try await FuzzCampaign.run("onnx") { campaign in
            let seeds = [try Onnx_ModelProto(serializedBytes: try ONNXExporter.export(try ExportTests.builtModel())),
                         ConverterTests.pytorchStyle().proto, Self.indexingModel().proto]
            var random = SeededRandom(seed: 0x0_2025)
            let images = ConverterTests.images(2)
            for index in 0..<FuzzCampaign.caseCount {
                var proto = seeds[index % seeds.count]
                var note = "case \(index)"
                Self.mutate(&proto, using: &random, note: &note)
                var bytes = (try? proto.serializedBytes()) ?? []
                if random.below(8) == 0, !bytes.isEmpty {
                    for _ in 0...random.below(4) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
                    note += ", bytes overwritten"
                }
                campaign.run(note) { Self.check(bytes, images: images, convert: index % 8 == 0) }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects > 0 && campaign.rejects < campaign.cases)
    }

    /// x [N, 784] → Reshape → Pad → Slice (steps -1) → AveragePool → Transpose → Shape/Gather/Concat-computed
    /// Reshape → MatMul → Softmax: the indexing and shaping operators, whose integer inputs a file supplies.
    static func indexingModel() -> TestModel {
        var values = SeededValues(seed: 23)
        var model = TestModel(opset: 13)
        model.input("x", [nil, 784])
        model.output("y", [nil, 10])
        model.initializer("shape", ONNXTensor(shape: [4], integers: [-1, 1, 28, 28]))
        model.initializer("pads", ONNXTensor(shape: [8], integers: [0, 0, 1, 1, 0, 0, 1, 1]))
        model.initializer("starts", ONNXTensor(shape: [2], integers: [-1, 0]))
        model.initializer("ends", ONNXTensor(shape: [2], integers: [Int64.min, Int64.max]))
        model.initializer("axes", ONNXTensor(shape: [2], integers: [2, 3]))
        model.initializer("steps", ONNXTensor(shape: [2], integers: [-1, 1]))
        model.initializer("zero", ONNXTensor(shape: [1], integers: [0]))
        model.initializer("rest", ONNXTensor(shape: [1], integers: [-1]))
        model.initializer("w", ONNXTensor(shape: [225, 10], floats: values.next(2250, scale: 0.2)))
        model.node("Reshape", ["x", "shape"], ["image"])
        model.node("Pad", ["image", "pads"], ["padded"])
        model.node("Slice", ["padded", "starts", "ends", "axes", "steps"], ["flipped"])
        model.node("AveragePool", ["flipped"], ["pooled"], ints: ["kernel_shape": [2, 2], "strides": [2, 2]])
        model.node("Transpose", ["pooled"], ["nhwc"], ints: ["perm": [0, 2, 3, 1]])
        model.node("Shape", ["nhwc"], ["dims"])
        model.node("Gather", ["dims", "zero"], ["batch"], int: ["axis": 0])
        model.node("Concat", ["batch", "rest"], ["flat_shape"], int: ["axis": 0])
        model.node("Reshape", ["nhwc", "flat_shape"], ["flat"])
        model.node("MatMul", ["flat", "w"], ["logits"])
        model.node("Softmax", ["logits"], ["y"], int: ["axis": 1])
        return model
    }

    /// Loads and runs a model's bytes; what loads must predict `[2, classes]` finite probabilities or say why not.
    static func check(_ bytes: [UInt8], images: Tensor, convert: Bool) -> FuzzCampaign.Outcome {
        let model: ONNXModel
        do {
            model = try ONNXModel(try ONNXFile.decode(bytes), name: "fuzz")
        } catch {
            return FuzzCampaign.checkMessage(error)
        }
        var classifiers: [any ImageClassifier] = [model]
        if convert {
            do { classifiers.append(try ONNXConverter.convert(model)) } catch {
                if case .crashed = FuzzCampaign.checkMessage(error) { return FuzzCampaign.checkMessage(error) }
            }
        }
        for classifier in classifiers {
            let batch = Tensor(shape: [2, classifier.input.height, classifier.input.width, 1],
                               repeating: 0.25)
            do {
                let output = try classifier.probabilities(for: classifier.input.height == 28 && classifier.input.width == 28 ? images : batch)
                let classes = output.shape.last ?? 0
                guard output.shape == [2, classes], output.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }),
                      (0..<2).allSatisfy({ abs(output.scalars[$0 * classes..<($0 + 1) * classes].reduce(0, +) - 1) < 1e-3 }) else {
                    return .crashed("\(type(of: classifier)) gave \(output.shape) \(output.scalars.prefix(4))…")
                }
            } catch {
                return FuzzCampaign.checkMessage(error)
            }
        }
        return .accepted
    }

    static let operators = ["Conv", "MaxPool", "AveragePool", "Relu", "Gemm", "MatMul", "Add", "Mul", "Div", "Softmax",
                            "Reshape", "Flatten", "Transpose", "Slice", "Pad", "Gather", "Concat", "Shape", "Cast",
                            "Squeeze", "Unsqueeze", "BatchNormalization", "Constant", "Identity", "Dropout", "Clip"]

    static func mutate(_ proto: inout Onnx_ModelProto, using random: inout SeededRandom, note: inout String) {
        var graph = proto.graph
        let valueNames = Array(Set(graph.node.flatMap { $0.input + $0.output } + graph.initializer.map(\.name)
                                   + graph.input.map(\.name))).sorted()
        switch random.below(11) {
        case 0, 1:  // an attribute's value
            guard !graph.node.isEmpty else { break }
            let at = random.below(graph.node.count)
            var node = graph.node[at]
            if node.attribute.isEmpty || random.below(5) == 0 {
                var attribute = Onnx_AttributeProto()
                attribute.name = random.pick(["axis", "kernel_shape", "strides", "pads", "perm", "to", "group", "alpha", "bogus"])
                attribute.type = .ints
                attribute.ints = [random.nastyInteger(near: 2), random.nastyInteger(near: 2)]
                node.attribute.append(attribute)
                note += ": node \(at) gets \(attribute.name) \(attribute.ints)"
            } else {
                let index = random.below(node.attribute.count)
                var attribute = node.attribute[index]
                switch random.below(5) {
                case 0: attribute.i = random.nastyInteger(near: attribute.i); attribute.type = .int
                case 1:
                    if attribute.ints.isEmpty { attribute.ints = [0] }
                    attribute.ints[random.below(attribute.ints.count)] = random.nastyInteger(near: attribute.ints.first ?? 0)
                    if random.below(3) == 0 { attribute.ints.append(random.nastyInteger()) }
                case 2: attribute.f = random.pick([Float.nan, .infinity, -.infinity, 0, -1, 1e30]); attribute.type = .float
                case 3: attribute.type = random.pick([.int, .ints, .float, .string, .tensor, .undefined])
                default: attribute.name = "removed"
                }
                if attribute.name == "removed" { node.attribute.remove(at: index) } else { node.attribute[index] = attribute }
                note += ": node \(at) (\(node.opType)) attribute \(attribute.name) → \(attribute.type) i \(attribute.i) ints \(attribute.ints) f \(attribute.f)"
            }
            graph.node[at] = node
        case 2:  // node order
            graph.node.shuffle(using: &random)
            note += ": nodes shuffled"
        case 3:  // wiring
            guard !graph.node.isEmpty, !valueNames.isEmpty else { break }
            let at = random.below(graph.node.count)
            if random.below(2) == 0, !graph.node[at].input.isEmpty {
                graph.node[at].input[random.below(graph.node[at].input.count)] = random.pick(valueNames + ["", "nowhere"])
            } else if !graph.node[at].output.isEmpty {
                graph.node[at].output[0] = random.pick(valueNames + [""])
            }
            note += ": node \(at) rewired to \(graph.node[at].input) → \(graph.node[at].output)"
        case 4:  // operator type
            guard !graph.node.isEmpty else { break }
            let at = random.below(graph.node.count)
            graph.node[at].opType = random.pick(operators)
            note += ": node \(at) becomes \(graph.node[at].opType)"
        case 5:  // remove or duplicate a node
            guard !graph.node.isEmpty else { break }
            let at = random.below(graph.node.count)
            if random.below(2) == 0 { graph.node.remove(at: at) } else { graph.node.insert(graph.node[at], at: random.below(graph.node.count)) }
            note += ": node \(at) removed or duplicated"
        case 6, 7:  // an initializer's shape, type or data
            guard !graph.initializer.isEmpty else { break }
            let at = random.below(graph.initializer.count)
            var tensor = graph.initializer[at]
            switch random.below(6) {
            case 0:
                if tensor.dims.isEmpty { tensor.dims = [1] }
                let axis = random.below(tensor.dims.count)
                tensor.dims[axis] = random.below(2) == 0 ? random.nastyInteger(near: tensor.dims[axis]) : tensor.dims[axis] + Int64(random.pick([-1, 1]))
            case 1: tensor.dataType = Int32(random.pick([0, 1, 2, 3, 6, 7, 9, 10, 11, 13, 16, 99]))
            case 2: tensor.rawData = tensor.rawData.prefix(random.below(tensor.rawData.count + 1)) + Data(repeating: 0xFF, count: random.below(3) * 4)
            case 3:  // integer values made extreme
                if tensor.dataType == 7, tensor.rawData.count >= 8 {
                    let at = random.below(tensor.rawData.count / 8) * 8
                    withUnsafeBytes(of: random.nastyInteger().littleEndian) { tensor.rawData.replaceSubrange(at..<at + 8, with: $0) }
                }
            case 4:  // float values made NaN or infinite, or moved to the typed field
                if tensor.dataType == 1, let floats = try? TensorDecoding.decode(tensor, context: "t").floats {
                    var values = floats
                    if !values.isEmpty { values[random.below(values.count)] = random.pick([.nan, .infinity, 3e38]) }
                    tensor.rawData = Data(); tensor.floatData = random.below(2) == 0 ? values : Array(values.dropLast())
                }
            default: graph.initializer.remove(at: at); note += ": initializer \(at) removed"; proto.graph = graph; return
            }
            graph.initializer[at] = tensor
            note += ": initializer \(tensor.name) dims \(tensor.dims) type \(tensor.dataType) raw \(tensor.rawData.count) bytes"
        case 8:  // the declared input
            guard !graph.input.isEmpty else { break }
            var dims = graph.input[0].type.tensorType.shape.dim
            if !dims.isEmpty, random.below(4) > 0 {
                let axis = random.below(dims.count)
                if random.below(3) == 0 { dims[axis].dimParam = "M" } else { dims[axis].dimValue = random.nastyInteger(near: dims[axis].dimValue) }
            } else {
                dims = Array(dims.prefix(random.below(dims.count + 2)))
            }
            graph.input[0].type.tensorType.shape.dim = dims
            if random.below(5) == 0 { graph.input[0].type.tensorType.elemType = Int32(random.pick([0, 2, 7, 10, 11])) }
            note += ": input shape \(dims.map { $0.dimParam.isEmpty ? String($0.dimValue) : $0.dimParam })"
        case 9:  // versions
            if random.below(2) == 0 { proto.opsetImport[0].version = random.nastyInteger(near: 13) } else { proto.irVersion = random.nastyInteger(near: 8) }
            note += ": opset \(proto.opsetImport[0].version), IR \(proto.irVersion)"
        default:  // two changes
            mutate(&proto, using: &random, note: &note)
            mutate(&proto, using: &random, note: &note)
            return
        }
        proto.graph = graph
    }
}
