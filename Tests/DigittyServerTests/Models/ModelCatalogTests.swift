import DigittyEngine
import DigittyONNX
@testable import DigittyServer
import DigittyTestSupport
import DigittyVision
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("Loading the models a server answers with")
struct ModelCatalogTests {
    /// The original project's Keras model, exported to ONNX.
    static let seedONNX = Repository.seedModel

    @Test("an .onnx and a .safetensors file load side by side, named after their files; the first is the default",
          Prerequisite.seedModel.trait)
    func onnxAndNative() throws {
        let directory = Repository.temporaryDirectory("server")
        defer { try? FileManager.default.removeItem(at: directory) }
        let native = directory.appendingPathComponent("alpha.safetensors")
        try ModelFile.save(try TestModels.simple(name: "alpha", seed: 1), to: native)
        let catalog = try ModelCatalog.load(paths: [Self.seedONNX.path, native.path])
        #expect(catalog.names == ["seed_simple_rot6", "alpha"])
        #expect(catalog.defaultModel.name == "seed_simple_rot6")
        #expect(catalog.defaultModel.input.width == 28 && catalog.defaultModel.input.height == 28)
    }

    @Test("a file that is no model is refused with a message naming it")
    func garbage() throws {
        let directory = Repository.temporaryDirectory("server")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, bytes) in [("broken.onnx", [UInt8](repeating: 0xFF, count: 64)), ("broken.safetensors", [1, 2, 3]),
                              ("notes.txt", Array("hello".utf8))] {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            #expect {
                _ = try ModelCatalog.load(paths: [url.path])
            } throws: { error in
                "\(error)".hasPrefix("cannot load model: ") && "\(error)".contains(name)
            }
        }
        #expect(throws: ModelCatalogError.self) { _ = try ModelCatalog.load(paths: [directory.appendingPathComponent("absent.onnx").path]) }
    }

    @Test("the seed ONNX model served over HTTP answers a PNG as DigittyONNX's loader does directly",
          Prerequisite.seedModel.trait)
    func servesONNX() async throws {
        let catalog = try ModelCatalog.load(paths: [Self.seedONNX.path])
        let server = try await TestServer(catalog: catalog)
        let direct = try #require(try Drawings.direct(try ModelLoader.load(contentsOf: Self.seedONNX), Drawings.seven()))
        let answer = try await server.post(PNG.encode(Drawings.seven()), contentType: "image/png")
        try await server.stop()
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["model"] as? String == "seed_simple_rot6")
        #expect(answer.json["label"] as? Int == direct.label)
        #expect(direct.label == 7, "the seed model reads the drawn 7 as \(direct.label)")
        let probabilities = try #require(answer.json["probabilities"] as? [Double])
        #expect(probabilities.count == 10)
        for (served, expected) in zip(probabilities, direct.probabilities) { #expect(abs(served - Double(expected)) < 1e-6) }
    }

    @Test("`digitty serve --model seed.onnx` serves the ONNX model: /models lists it, /predict answers, SIGTERM stops it",
          Prerequisite.seedModel.trait)
    func serveCommand() async throws {
        let serve = try DigittyBinary(["serve", "--port", "0", "--quiet", "--model", Self.seedONNX.path])
        #expect(try await serve.waitFor("/\n", seconds: 60), "no 'serving' line: \(serve.stdout) \(serve.stderr)")
        let line = try #require(serve.stdout.split(separator: "\n").first { $0.hasPrefix("digitty serving seed_simple_rot6 on ") })
        let base = try #require(URL(string: String(line.split(separator: " ").last ?? "")))
        let models = try JSONSerialization.jsonObject(with: try await URLSession.shared.data(from: base.appendingPathComponent("models")).0)
        let listed = try #require((models as? [String: Any])?["models"] as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["seed_simple_rot6"])
        #expect(listed.first?["kind"] as? String == "sequential", "the seed model was not converted to a native model")

        var request = URLRequest(url: base.appendingPathComponent("predict"))
        request.httpMethod = "POST"
        request.setValue("image/png", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(PNG.encode(Drawings.seven()))
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let answer = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(answer["label"] as? Int == 7, "\(String(decoding: body, as: UTF8.self))")
        serve.send(SIGTERM)
        #expect(try await serve.wait(seconds: 30) == 0, "serve did not exit cleanly: \(serve.stderr)")
    }
}
