import DigittyONNX
import DigittyTestSupport
import Foundation
import Testing

/// Runs every case in `../shared/onnx-node-tests` (ONNX's own backend node tests for the operators digitty
/// implements) and compares with the expected outputs at rtol 1e-3, atol 1e-5.
@Suite struct ConformanceTests {
    /// Cases that cannot pass, with the reason. Each must fail with a clear error, not run.
    static let exclusions: [String: String] = [
        "test_training_dropout": "training-mode Dropout with ratio > 0 needs numpy's random draw",
        "test_training_dropout_default": "training-mode Dropout with ratio > 0 needs numpy's random draw",
        "test_training_dropout_default_mask": "training-mode Dropout with ratio > 0 needs numpy's random draw",
        "test_training_dropout_mask": "training-mode Dropout with ratio > 0 needs numpy's random draw",
    ]

    @Test(Prerequisite.onnxNodeTests.trait) func everyNodeTestCase() throws {
        try Prerequisite.onnxNodeTests.require()
        let folder = Repository.onnxNodeTests
        let cases = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).appendingPathComponent("model.onnx").path) }
            .sorted()
        #expect(cases.count >= 200)
        var tally: [String: (passed: Int, total: Int, excluded: Int)] = [:]
        var failures: [String] = []
        for name in cases {
            let directory = folder.appendingPathComponent(name)
            let op = (try? ONNXFile.decode(Array(Data(contentsOf: directory.appendingPathComponent("model.onnx")))))?
                .operatorTypes.first ?? "?"
            let outcome = Result { try ConformanceCase(directory: directory).run() }
            if let reason = Self.exclusions[name] {
                tally[op, default: (0, 0, 0)].excluded += 1
                if case .success = outcome { failures.append("\(name): excluded (\(reason)) but ran without an error") }
                continue
            }
            tally[op, default: (0, 0, 0)].total += 1
            switch outcome {
            case let .success(problems) where problems.isEmpty: tally[op]!.passed += 1
            case let .success(problems): failures.append("\(name): \(problems.joined(separator: "; "))")
            case let .failure(error): failures.append("\(name): \(error)")
            }
        }
        print("ONNX conformance (rtol 1e-3, atol 1e-5):")
        for (op, counts) in tally.sorted(by: { $0.key < $1.key }) {
            print("  \(op.padding(toLength: 20, withPad: " ", startingAt: 0)) \(counts.passed)/\(counts.total) passed"
                  + (counts.excluded > 0 ? ", \(counts.excluded) excluded" : ""))
        }
        let passed = tally.values.reduce(0) { $0 + $1.passed }, total = tally.values.reduce(0) { $0 + $1.total }
        print("  total                \(passed)/\(total) passed, \(Self.exclusions.count) excluded:")
        for (name, reason) in Self.exclusions.sorted(by: { $0.key < $1.key }) { print("    \(name): \(reason)") }
        for failure in failures { print("  FAILED \(failure)") }
        #expect(failures.isEmpty)
    }
}

/// One case folder: model.onnx and test_data_set_0/{input,output}_<i>.pb.
struct ConformanceCase {
    let directory: URL

    /// The differences from the expected outputs (empty when the case passes).
    func run() throws -> [String] {
        let contents = try ONNXFile.decode(Array(Data(contentsOf: directory.appendingPathComponent("model.onnx"))))
        let data = directory.appendingPathComponent("test_data_set_0")
        var feeds: [String: ONNXTensor] = [:]
        for (index, input) in contents.graph.inputs.enumerated() {
            feeds[input.name] = try tensor(data.appendingPathComponent("input_\(index).pb"))
        }
        let outputs = try contents.graph.run(feeds)
        var problems: [String] = []
        for (index, actual) in outputs.enumerated() {
            let expected = try tensor(data.appendingPathComponent("output_\(index).pb"))
            problems += Self.compare(actual, expected, label: contents.graph.outputs[index].name)
        }
        return problems
    }

    func tensor(_ url: URL) throws -> ONNXTensor { try ONNXFile.decodeTensor(Array(Data(contentsOf: url))) }

    static func compare(_ actual: ONNXTensor, _ expected: ONNXTensor, label: String,
                        rtol: Float = 1e-3, atol: Float = 1e-5) -> [String] {
        guard actual.shape == expected.shape else { return ["\(label): shape \(actual.shape), expected \(expected.shape)"] }
        guard actual.type == expected.type else { return ["\(label): type \(actual.type.name), expected \(expected.type.name)"] }
        switch (actual.storage, expected.storage) {
        case let (.float(a), .float(e)):
            for index in a.indices {
                let (x, y) = (a[index], e[index])
                if x.isNaN && y.isNaN { continue }
                if x == y { continue }
                if !(abs(x - y) <= atol + rtol * abs(y)) {
                    return ["\(label)[\(index)] = \(x), expected \(y)"]
                }
            }
        case let (.integer(a), .integer(e)):
            if let index = a.indices.first(where: { a[$0] != e[$0] }) {
                return ["\(label)[\(index)] = \(a[index]), expected \(e[index])"]
            }
        default: return ["\(label): storage differs"]
        }
        return []
    }
}
