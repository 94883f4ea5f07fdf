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

    /// Thousands of random mutations of a valid model file: every one loads or fails with a ModelFileError.
    @Test func survivesFuzzedModelFiles() throws {
        let valid = ModelFile.encode(try SmallModels.simple(filters: 1, hidden: 2))
        var random = TestRandom(seed: 2026)
        var rejected = 0
        for round in 0..<3000 {
            var bytes = valid
            let headerEnd = min(bytes.count, 8 + 1200)
            for _ in 0..<(1 + Int(random.next() % 4)) {
                // Mostly mutate the header, where the structure is.
                let index = round % 3 == 0 ? Int(random.next() % UInt64(bytes.count)) : Int(random.next() % UInt64(headerEnd))
                switch random.next() % 4 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes[index] ^= 1 << UInt8(random.next() % 8)
                case 2: bytes.removeSubrange(index..<min(bytes.count, index + Int(random.next() % 16)))
                default: bytes.insert(contentsOf: Array("0,[]{}\":-9e".utf8).shuffled().prefix(3), at: index)
                }
                if bytes.isEmpty { break }
            }
            do { _ = try ModelFile.decode(bytes, name: "fuzz") } catch { rejected += 1 }
        }
        #expect(rejected > 1000)
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
}
