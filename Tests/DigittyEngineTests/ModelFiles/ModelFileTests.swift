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
}
