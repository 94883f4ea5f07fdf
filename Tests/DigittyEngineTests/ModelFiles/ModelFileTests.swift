import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyEngine

@Suite struct ModelFileTests {
    @Test func roundTripsArchitectureWeightsAndProvenance() throws {
        let model = try SmallModels.simple()
        let bytes = ModelFile.encode(model)
        let loaded = try ModelFile.decode(bytes, name: "ignored")
        #expect(loaded.name == "small")
        #expect(loaded.specs == model.specs)
        #expect(loaded.provenance == model.provenance)
        #expect(loaded.input == model.input)
        #expect(loaded.namedWeights.map(\.name) == model.namedWeights.map(\.name))
        #expect(loaded.namedWeights.map(\.tensor) == model.namedWeights.map(\.tensor))
    }

    @Test func savesAtomicallyAndLoadsFromDisk() throws {
        let directory = Repository.temporaryDirectory("engine")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.safetensors")
        try ModelFile.save(try SmallModels.simple(seed: 1), to: url)
        try ModelFile.save(try SmallModels.simple(seed: 2), to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.safetensors"])
        let loaded = try ModelFile.load(contentsOf: url)
        #expect(loaded.namedWeights.map(\.tensor) == (try SmallModels.simple(seed: 2)).namedWeights.map(\.tensor))
        #expect(throws: ModelFileError.self) { try ModelFile.load(contentsOf: directory.appendingPathComponent("absent")) }
        #expect(throws: ModelFileError.self) { try ModelFile.load(contentsOf: directory) }
        #expect(throws: ModelFileError.self) {
            try ModelFile.save(try SmallModels.simple(), to: URL(fileURLWithPath: "/nonexistent-dir/m.safetensors"))
        }
    }

    @Test func refusesNewerFormatVersions() throws {
        var file = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple()))
        file.metadata["format_version"] = "2"
        #expect(throws: ModelFileError.unsupportedVersion(found: 2, supported: 1)) {
            try ModelFile.decode(file.serialized(), name: "x")
        }
        #expect(ModelFileError.unsupportedVersion(found: 2, supported: 1).description.contains("newer"))
    }

    @Test func refusesBrokenMetadataAndMismatchedWeights() throws {
        let good = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple()))
        func decode(_ change: (inout SafeTensors) -> Void) throws {
            var file = good
            change(&file)
            _ = try ModelFile.decode(file.serialized(), name: "x")
        }
        #expect(throws: ModelFileError.self) { try decode { $0.metadata["format"] = nil } }
        #expect(throws: ModelFileError.self) { try decode { $0.metadata["architecture"] = #"[{"type":"transformer"}]"# } }
        #expect(throws: ModelFileError.self) { try decode { $0.metadata["architecture"] = "not json" } }
        #expect(throws: ModelFileError.self) { try decode { $0.metadata["input"] = #"{"height":0}"# } }
        #expect(throws: ModelFileError.self) { try decode { $0.tensors["layers.0.weight"] = nil } }
        #expect(throws: ModelFileError.self) { try decode { $0.tensors["layers.0.weight"] = Tensor(shape: [3, 3, 1, 5]) } }
        #expect(throws: ModelFileError.self) { try decode { $0.tensors["layers.4.weight"] = Tensor(shape: [600, 16]) } }
        #expect(throws: ModelFileError.self) { try decode { $0.tensors["extra"] = Tensor(shape: [1]) } }
        #expect(throws: ModelFileError.self) {
            try decode { $0.metadata["architecture"] = #"[{"type":"conv2d","filters":4,"kernel_size":-3}]"# }
        }
    }

    /// Numbers a file gives are checked before any arithmetic on them: a sample shape whose product overflows,
    /// window sizes and strides near Int.max, non-finite hyper-parameters.
    @Test func refusesOutOfRangeNumbersBeforeUsingThem() throws {
        let good = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple(filters: 1, hidden: 2)))
        func error(_ change: (inout SafeTensors) -> Void) -> String {
            var file = good
            change(&file)
            do { _ = try ModelFile.decode(file.serialized(), name: "x"); return "accepted" } catch { return error.description }
        }
        let overflow = "\(1 << 40)"
        #expect(error { $0.metadata["input"] = #"{"height":28,"width":28,"sample_shape":[\#(overflow),\#(overflow),1]}"# }
                == "bad model metadata: input sample_shape [\(1 << 40), \(1 << 40), 1] does not hold a 28×28 image")
        #expect(error { $0.metadata["architecture"] = $0.metadata["architecture"]!.replacingOccurrences(
            of: #""size":2,"#, with: #""size":\#(Int.max),"#) }
                == "bad model metadata: architecture layer 2 (maxpool2d): size \(Int.max) is not in 1…1048576")
        #expect(error { $0.metadata["architecture"] = $0.metadata["architecture"]!.replacingOccurrences(
            of: #""rate":[0-9.e-]+"#, with: #""rate":1e400"#, options: .regularExpression) }.hasPrefix("bad model metadata: architecture"))
    }

    /// Malformed metadata is described in a few words with the JSON path, not in Swift's debug text.
    @Test func metadataErrorsAreOneReadableLine() throws {
        let good = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple(filters: 1, hidden: 2)))
        for (key, value, expected) in [
            ("input", #"{"height":28}"#, "bad model metadata: input: 'width' is missing"),
            ("input", #"{"height":"28","width":28}"#, "bad model metadata: input: height is not a number"),
            ("architecture", #"[{"type":"conv2d","kernel_size":3}]"#, "bad model metadata: architecture: [0] 'filters' is missing"),
            ("architecture", #"[{"type":"dense","units":null}]"#, "bad model metadata: architecture: [0].units is null, not a number"),
            ("architecture", "[1,", "bad model metadata: architecture: it is not valid JSON"),
            ("input", #"{"height":28,"width":28,"scaling":{"kind":"gamma"}}"#,
             "bad model metadata: input: scaling.kind: unknown scaling 'gamma'"),
        ] {
            var file = good
            file.metadata[key] = value
            do { _ = try ModelFile.decode(file.serialized(), name: "x"); Issue.record("accepted \(value)") } catch {
                #expect(error.description == expected)
            }
        }
    }

    /// A model whose weights are finite but overflow gives an error, never probabilities read from NaN.
    @Test func aModelComputingNaNSaysSo() throws {
        var file = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple(filters: 1, hidden: 2)))
        file.tensors["layers.7.weight"] = Tensor(shape: [2, 10], repeating: 3e38)
        file.tensors["layers.4.bias"] = Tensor(shape: [2], repeating: 1)
        let model = try ModelFile.decode(file.serialized(), name: "x")
        #expect(throws: ModelError.nonFiniteOutput(image: 0)) {
            try model.probabilities(forPixels: [Float](repeating: 0, count: 784))
        }
        #expect(ModelError.nonFiniteOutput(image: 0).description.contains("not a number"))
    }
}
