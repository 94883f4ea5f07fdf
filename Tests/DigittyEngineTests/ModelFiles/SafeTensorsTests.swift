import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyEngine

@Suite struct SafeTensorsTests {
    /// A file with the given header JSON and data bytes.
    func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let json = Array(header.utf8)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) }
        bytes += json + data
        return bytes
    }

    @Test func readsWhatItWritesAndAlignsTheHeader() throws {
        let original = SafeTensors(tensors: ["a": Tensor(shape: [2, 2], scalars: [1, 2, 3, -4]), "b": Tensor(shape: [0])],
                                   metadata: ["k": "v"])
        let bytes = original.serialized()
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(try SafeTensors(bytes: bytes) == original)
    }

    @Test func convertsHalfAndDoublePrecision() throws {
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80.
        let f16 = try SafeTensors(bytes: file(#"{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0x00, 0x3C, 0x00, 0xC0]))
        #expect(f16.tensors["x"]?.scalars == [1, -2])
        let bf16 = try SafeTensors(bytes: file(#"{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, data: [0x80, 0x3F]))
        #expect(bf16.tensors["x"]?.scalars == [1])
        let f64 = try SafeTensors(bytes: file(#"{"x":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}"#,
                                              data: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]))
        #expect(f64.tensors["x"]?.scalars == [1])
    }

    @Test func rejectsMalformedFiles() {
        let cases: [[UInt8]] = [
            [],
            [1, 2, 3],
            file("{}").dropLast(1) + [],
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x7B, 0x7D],
            [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8),
            file("[1,2]"),
            file("{not json"),
            file(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#, data: Array(repeating: 0, count: 8)),
            file(#"{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)),
            file(#"{"x":{"dtype":"F32","shape":[100000,100000,100000],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, data: [0, 0, 0, 0]),
            file(#"{"__metadata__":{"a":1}}"#),
            file(#"{"x":"y"}"#),
        ]
        for bytes in cases {
            #expect(throws: ModelFileError.self) { try SafeTensors(bytes: bytes) }
        }
    }

    /// The reference implementation's rules: tensors cover the data exactly, and the header is padded only with
    /// spaces. A header length 1–7 bytes short ends inside the padding, still parses, and would shift every tensor.
    @Test func isStrictAboutCoverageAndPadding() throws {
        let model = try SmallModels.simple(filters: 1, hidden: 2)
        let valid = ModelFile.encode(model)
        #expect(try ModelFile.decode(valid, name: "m").namedWeights.map(\.tensor) == model.namedWeights.map(\.tensor))
        let length = valid[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        for short in 1...7 {
            var bytes = valid
            for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: (length - short) >> (8 * index)) }
            #expect(throws: ModelFileError.self, "header length \(short) bytes short") { try SafeTensors(bytes: bytes) }
        }
        #expect(throws: ModelFileError.self, "trailing bytes") { try SafeTensors(bytes: valid + [0]) }
        let cases = [
            // A hole between tensors, and one before the first.
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                 data: Array(repeating: 0, count: 12)),
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)),
            // Data but no tensors.
            file("{}", data: [0]),
            // Padding other than spaces, and a header not starting with '{'.
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + "\n\t", data: [0, 0, 0, 0]),
            file(#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + "\0", data: [0, 0, 0, 0]),
            file(#" {"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
        ]
        for bytes in cases {
            #expect(throws: ModelFileError.self) { try SafeTensors(bytes: bytes) }
        }
        // Space padding and tensors in any order are fine.
        let fine = file(#"{"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}   "#,
                        data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
        #expect(try SafeTensors(bytes: fine).tensors == ["x": Tensor(shape: [1], scalars: [1]), "y": Tensor(shape: [1], scalars: [2])])
    }

    @Test func refusesNonFiniteWeightsNamingTheTensor() throws {
        var file = try SafeTensors(bytes: ModelFile.encode(try SmallModels.simple(filters: 1, hidden: 2)))
        file.tensors["layers.4.bias"]!.scalars[1] = .nan
        do {
            _ = try ModelFile.decode(file.serialized(), name: "m")
            Issue.record("a NaN weight was accepted")
        } catch {
            guard case .nonFiniteWeight("layers.4.bias", 1, let value) = error, value.isNaN else { Issue.record("\(error)"); return }
            #expect(error.description == "tensor 'layers.4.bias' holds nan at element 1; weights must be finite numbers")
        }
    }

    /// The native format opens in Python's `safetensors` library with the same values.
    @Test(Python.prerequisite(["safetensors", "numpy"]).trait) func opensInPythonSafetensors() throws {
        try Python.prerequisite(["safetensors", "numpy"]).require()
        let directory = Repository.temporaryDirectory("engine")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.safetensors")
        let model = try SmallModels.simple()
        try ModelFile.save(model, to: url)
        let script = """
        import json, sys
        from safetensors import safe_open
        with safe_open(sys.argv[1], framework="numpy") as f:
            meta = f.metadata()
            out = {k: [list(f.get_tensor(k).shape), float(f.get_tensor(k).sum())] for k in f.keys()}
        print(json.dumps({"meta": meta, "tensors": out}))
        """
        let output = try Python.run(script: script, arguments: [url.path])
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let meta = json?["meta"] as? [String: String]
        #expect(meta?["format"] == "digitty")
        #expect(meta?["format_version"] == "1")
        let tensors = json?["tensors"] as? [String: [Any]]
        for (name, tensor) in model.namedWeights {
            let entry = tensors?[name]
            #expect((entry?[0] as? [Int]) == tensor.shape)
            let sum = (entry?[1] as? Double) ?? .nan
            #expect(abs(sum - Double(tensor.scalars.reduce(0, +))) < 1e-3)
        }
    }

    /// Strict reading accepts what the reference writer writes: Python's `safetensors`, several dtypes, header
    /// lengths that need padding, tensors stored in its own order.
    @Test(Python.prerequisite(["safetensors", "numpy"]).trait)
    func readsWhatPythonSafetensorsWrites() throws {
        try Python.prerequisite(["safetensors", "numpy"]).require()
        let directory = Repository.temporaryDirectory("engine")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
        import sys
        import numpy as np
        from safetensors.numpy import save_file
        for n in range(1, 9):
            tensors = {"w" * n: np.arange(n * 3, dtype=np.float32).reshape(n, 3) - 4.5,
                        "half": np.array([1.0, -2.0, 0.5], dtype=np.float16),
                        "double": np.array([[1.25]], dtype=np.float64),
                        "empty": np.zeros((0, 4), dtype=np.float32)}
            save_file(tensors, f"{sys.argv[1]}/t{n}.safetensors", metadata={"k": "v" * n})
        """
        try Python.run(script: script, arguments: [directory.path])
        for n in 1...8 {
            let file = try SafeTensors(bytes: [UInt8](try Data(contentsOf: directory.appendingPathComponent("t\(n).safetensors"))))
            #expect(file.metadata == ["k": String(repeating: "v", count: n)])
            #expect(file.tensors[String(repeating: "w", count: n)] == Tensor(shape: [n, 3], scalars: (0..<n * 3).map { Float($0) - 4.5 }))
            #expect(file.tensors["half"] == Tensor(shape: [3], scalars: [1, -2, 0.5]))
            #expect(file.tensors["double"] == Tensor(shape: [1, 1], scalars: [1.25]))
            #expect(file.tensors["empty"] == Tensor(shape: [0, 4]))
        }
    }
}
