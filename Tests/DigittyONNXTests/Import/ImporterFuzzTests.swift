@testable import DigittyONNX
import DigittyEngine
import Foundation
import Testing

/// Mutated model files give an error or a working model, never a crash, hang or giant allocation.
@Suite struct ImporterFuzzTests {
    @Test func mutatedModelsNeverCrash() throws {
        let valid = try ONNXExporter.export(try ExportTests.builtModel())
        let small = ConverterTests.pytorchStyle().bytes
        var random = SeededValues(seed: 2024)
        func pick(_ bound: Int) -> Int { Int((random.next(1)[0] + 1) / 2 * Float(bound)) % max(bound, 1) }
        var outcomes = (decoded: 0, rejected: 0)
        for round in 0..<2000 {
            var bytes = round % 2 == 0 ? valid : small
            switch round % 4 {
            case 0: for _ in 0...pick(8) { bytes[pick(bytes.count)] = UInt8(pick(256)) }
            case 1: bytes = Array(bytes.prefix(pick(bytes.count)))
            case 2:
                let at = pick(bytes.count)
                bytes.insert(contentsOf: (0..<1 + pick(6)).map { _ in UInt8(pick(256)) }, at: at)
            default:
                let at = pick(bytes.count), length = min(bytes.count - at, 1 + pick(16))
                bytes.removeSubrange(at..<at + length)
            }
            do {
                let contents = try ONNXFile.decode(bytes)
                let model = try ONNXModel(contents, name: "fuzz")
                _ = try? model.probabilities(for: Tensor(shape: [1, model.input.height, model.input.width, 1],
                                                         repeating: 0.5))
                if round % 10 == 0 { _ = try? ONNXConverter.convert(model) }
                outcomes.decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
                outcomes.rejected += 1
            }
        }
        print("importer fuzz: \(outcomes.decoded) mutated models still ran, \(outcomes.rejected) rejected with an error")
        #expect(outcomes.rejected > 0)
    }
}
