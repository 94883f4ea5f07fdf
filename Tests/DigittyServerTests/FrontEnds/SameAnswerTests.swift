import DigittyEngine
import DigittyTerminal
import DigittyTestSupport
import DigittyVision
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The same picture and model give the same answer, bit for bit, from `digitty predict`, `POST /predict` and
/// the drawing app: all three read through one `DigitReader`. The binary is run as a person would run it.
@Suite("One answer from every front end")
struct SameAnswerTests {
    /// Sixteen drawings made with the app's own pen: seeded random strokes across the canvas.
    static func drawings() -> [GrayImage] {
        var random = SeededRandom(seed: 16)
        func coordinate(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
        return (0..<16).map { index in
            var canvas = Canvas()
            var point = (coordinate(3...24), coordinate(3...24))
            for _ in 0..<(2 + index % 4) {
                let next = (coordinate(3...24), coordinate(3...24))
                canvas.stroke(fromX: Float(point.0), y0: Float(point.1), toX: Float(next.0), y1: Float(next.1), brush: .pen)
                point = next
            }
            // Stored as PNG (8-bit), so the canvas is what the app's `o` opens from that file.
            return GrayImage(width: 28, height: 28, bytes: canvas.image.bytes)
        }
    }

    /// One answer's verdict, label and probabilities as bit patterns.
    struct Answer: Equatable, CustomStringConvertible {
        let verdict: String
        let label: Int?
        let bits: [UInt32]
        var description: String { "\(verdict) \(label.map(String.init) ?? "-") \(bits.map { Float(bitPattern: $0) })" }

        init(json object: [String: Any]) {
            verdict = object["verdict"] as? String ?? "?"
            label = object["label"] as? Int
            bits = ((object["probabilities"] as? [Double]) ?? []).map { Float($0).bitPattern }
        }

        init(_ reading: Reading) {
            verdict = reading.verdict.rawValue
            label = reading.label
            bits = reading.probabilities.map(\.bitPattern)
        }
    }

    @Test("predict, serve and the app agree on 16 drawings, with the model's preprocessing on and off",
          arguments: [true, false])
    func everyFrontEndAgrees(preprocessing: Bool) async throws {
        let shipped = Repository.defaultModel
        let base = try ModelFile.load(contentsOf: shipped)
        var input = base.input
        input.mnistPreprocessing = preprocessing
        let model = try SequentialModel(name: "same-answer", input: input, layers: base.layers,
                                        provenance: base.provenance, calibration: base.calibration)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-same-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelURL = directory.appendingPathComponent("same-answer.safetensors")
        try ModelFile.save(model, to: modelURL)
        let drawings = Self.drawings()
        var files: [URL] = []
        for (index, drawing) in drawings.enumerated() {
            let url = directory.appendingPathComponent("drawing-\(index).png")
            try Data(PNG.encode(drawing)).write(to: url)
            files.append(url)
        }

        // The app: the canvas opened from the file, read as the app reads it.
        let loaded = try ModelFile.load(contentsOf: modelURL)
        let app = try files.map { url in
            let canvas = Canvas(image: try ImageFile.decode(Array(try Data(contentsOf: url))))
            return Answer(try DigitReader(model: loaded).read(canvas.image))
        }

        // `digitty predict --json`.
        let predict = try await DigittyProcess.run(["predict", "--json", "--model", modelURL.path] + files.map(\.path))
        #expect(predict.status == 0, "\(predict.stderr)")
        let cli = try predict.stdout.split(separator: "\n").map { line in
            Answer(json: try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
        }

        // `POST /predict` to `digitty serve`.
        let serve = try DigittyBinary(["serve", "--port", "0", "--quiet", "--model", modelURL.path])
        #expect(try await serve.waitFor("/\n", seconds: 60), "no 'serving' line: \(serve.stdout) \(serve.stderr)")
        let line = try #require(serve.stdout.split(separator: "\n").first { $0.hasPrefix("digitty serving") })
        let url = try #require(URL(string: String(line.split(separator: " ").last ?? "")))
        var server: [Answer] = []
        for file in files {
            var request = URLRequest(url: url.appendingPathComponent("predict"))
            request.httpMethod = "POST"
            request.setValue("image/png", forHTTPHeaderField: "Content-Type")
            request.httpBody = try Data(contentsOf: file)
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
            server.append(Answer(json: try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])))
        }
        serve.send(SIGTERM)
        #expect(try await serve.wait(seconds: 30) == 0)

        #expect(app.count == 16 && cli.count == 16 && server.count == 16)
        #expect(app.contains { $0.verdict != "empty" })
        for index in app.indices {
            #expect(cli[index] == app[index], "drawing \(index): predict \(cli[index]) vs app \(app[index])")
            #expect(server[index] == app[index], "drawing \(index): serve \(server[index]) vs app \(app[index])")
        }
    }
}
