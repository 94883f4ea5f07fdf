import DigittyEngine
@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

@Suite("POST /predict answers like the library", .serialized)
struct PredictTests {
    @Test("a PNG, a PGM, JSON pixels and a base64 PNG give the library's own prediction")
    func everyBodyFormat() async throws {
        let models = try TestModels.pair()
        let server = try await TestServer(models: models)
        let image = Drawings.seven()
        let expected = try #require(try Drawings.direct(models[0], image))

        let path = "/predict?input=1"
        let answers = [
            try await server.post(PNG.encode(image), contentType: "image/png", path: path),
            try await server.post(PGM.encode(image), contentType: "image/x-portable-graymap", path: path),
            try await server.post(PNG.encode(image), contentType: "image/png; charset=binary", path: path),
            try await server.post(PNG.encode(image), contentType: nil, path: path),
            try await server.postJSON(["pixels": image.bytes.map(Int.init)], path: path),
            try await server.postJSON(["image": Data(PNG.encode(image)).base64EncodedString()], path: path),
        ]
        for answer in answers {
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
            let json = answer.json
            #expect(json["label"] as? Int == expected.label)
            #expect(json["model"] as? String == "alpha")
            #expect(json["empty"] as? Bool == false)
            let probabilities = try #require(json["probabilities"] as? [Double])
            #expect(probabilities.count == 10)
            for (served, direct) in zip(probabilities, expected.probabilities) {
                #expect(abs(served - Double(direct)) < 1e-4)
            }
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
            #expect((json["input"] as? [Int])?.map(UInt8.init) == expected.input)
        }
        try await server.stop()
    }

    @Test("dark ink on white paper is inverted first, as the CLI does")
    func darkOnLight() async throws {
        let models = try TestModels.pair()
        let server = try await TestServer(models: models)
        let paper = Drawings.inverted(Drawings.seven(size: 200))
        let expected = try #require(try Drawings.direct(models[0], paper))
        let answer = try await server.post(PNG.encode(paper), contentType: "image/png", path: "/predict?input=true")
        #expect(answer.status == 200)
        #expect(answer.json["label"] as? Int == expected.label)
        #expect((answer.json["input"] as? [Int])?.map(UInt8.init) == expected.input)
        try await server.stop()
    }

    @Test("the model's input image is in the answer only when asked for with ?input=1")
    func inputOnRequest() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let png = PNG.encode(Drawings.seven())
        let plain = try await server.post(png, contentType: "image/png")
        #expect(plain.status == 200)
        #expect(Set(plain.json.keys) == ["verdict", "label", "probabilities", "model", "empty"])
        let declined = try await server.post(png, contentType: "image/png", path: "/predict?input=0&model=beta")
        #expect(Set(declined.json.keys) == ["verdict", "label", "probabilities", "model", "empty"])
        #expect(declined.json["model"] as? String == "beta")
        let asked = try await server.post(png, contentType: "image/png", path: "/predict?model=beta&input=1")
        #expect((asked.json["input"] as? [Int])?.count == 784)
        try await server.stop()
    }

    @Test("?explain=1 adds the input image and a saliency map on it that matches the reader's")
    func explainOnRequest() async throws {
        let models = try TestModels.pair()
        let server = try await TestServer(models: models)
        let image = Drawings.seven()
        let answer = try await server.post(PNG.encode(image), contentType: "image/png", path: "/predict?explain=1&model=beta")
        #expect(answer.status == 200)
        let input = try #require(answer.json["input"] as? [Int])
        let saliency = try #require(answer.json["saliency"] as? [Double])
        #expect(input.count == 784 && saliency.count == 784)
        // The server reads the PNG's 8-bit grey levels.
        let direct = try DigitReader(model: models[1]).read(try ImageFile.decode(PNG.encode(image)), explain: true)
        let expected = try #require(direct.saliency)
        for (served, local) in zip(saliency, expected) { #expect(abs(served - Double(local)) < 1e-5) }
        // Only inked pixels carry an effect.
        #expect(zip(input, saliency).allSatisfy { $0.0 > 0 || $0.1 == 0 })
        let plain = try await server.post(PNG.encode(image), contentType: "image/png", path: "/predict?explain=0")
        #expect(plain.json["saliency"] == nil && plain.json["input"] == nil)
        try await server.stop()
    }

    @Test("?model=NAME picks a loaded model")
    func modelQuery() async throws {
        let models = try TestModels.pair()
        let server = try await TestServer(models: models)
        let image = Drawings.seven()
        let beta = try #require(try Drawings.direct(models[1], image))
        let answer = try await server.post(PNG.encode(image), contentType: "image/png", path: "/predict?model=beta")
        #expect(answer.status == 200)
        #expect(answer.json["model"] as? String == "beta")
        let probabilities = try #require(answer.json["probabilities"] as? [Double])
        for (served, direct) in zip(probabilities, beta.probabilities) { #expect(abs(served - Double(direct)) < 1e-4) }
        try await server.stop()
    }

    @Test("an empty drawing answers verdict empty, empty: true and a null label")
    func emptyDrawing() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        for answer in [
            try await server.post(PNG.encode(GrayImage(width: 280, height: 280)), contentType: "image/png"),
            try await server.postJSON(["pixels": [Int](repeating: 0, count: 784)]),
        ] {
            #expect(answer.status == 200)
            #expect(answer.json["empty"] as? Bool == true)
            #expect(answer.json["label"] is NSNull)
            #expect(answer.json["verdict"] as? String == "empty")
            #expect(answer.json["model"] as? String == "alpha")
        }
        try await server.stop()
    }
}
