import DigittyEngine
@testable import DigittyServer
import DigittyTestSupport
import Foundation
import Testing

@Suite("The drawing page in headless Chromium")
struct WebPageTests {
    /// Python with selenium, Debian's chromium and its driver.
    static let prerequisite = Prerequisite.all(
        Python.prerequisite(["selenium"]),
        .program("/usr/bin/chromium", install: "apt-get install chromium"),
        .program("/usr/bin/chromedriver", install: "apt-get install chromium-driver"))

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("page_check.py")
    /// Screenshots land in `artifacts/` at the package root (ignored by git; CI keeps it).
    static let artifacts = Repository.root.appendingPathComponent("artifacts")

    @Test("draw with mouse, pen, touch and keyboard; Predict shows the digit, ten bars and the preview; Clear empties it",
          prerequisite.trait, .tags(.slow))
    func drawPredictClear() async throws {
        // The shipped default model recognises what is drawn; without it, two small models still exercise the page.
        let realModel = try? ModelFile.load(contentsOf: Repository.defaultModel)
        var models: [any ImageClassifier] = try TestModels.pair()
        if let realModel { models.insert(realModel, at: 0) }
        let server = try await TestServer(models: models)
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
        let screenshot = Self.artifacts.appendingPathComponent("web-page.png")
        try? FileManager.default.removeItem(at: screenshot)

        let base = server.base.absoluteString
        let script = Self.script.path
        let result = try await offPool { try Tools.run(Python.executable ?? "python3", [script, base, screenshot.path]) }
        try await server.stop()
        #expect(result.status == 0, "page_check.py failed:\n\(result.errors)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
                                  "no report: \(result.output)\n\(result.errors)")

        #expect(report["models"] as? [String] == models.map(\.name))
        #expect(report["fitsPhoneWidth"] as? Bool == true)
        #expect(report["padFocusable"] as? Bool == true)
        let before = try #require(report["beforePredict"] as? [String: Any])
        #expect(before["label"] as? String == "–")
        #expect((before["inkPixels"] as? Int ?? 0) > 500)

        for step in ["one", "sevenLive", "touch", "keyboard"] {
            let shown = try #require(report[step] as? [String: Any], "no \(step)")
            let bars = try #require(shown["bars"] as? [Double])
            #expect(bars.count == 10)
            #expect(abs(bars.reduce(0, +) - 1) < 1e-3, "\(step): bars sum to \(bars.reduce(0, +))")
            let label = try #require(Int(shown["label"] as? String ?? ""), "\(step): label \(shown["label"] ?? "")")
            #expect(bars.indices.max { bars[$0] < bars[$1] } == label, "\(step): the label is not the tallest bar")
            #expect((shown["previewPixels"] as? Int ?? 0) > 20, "\(step): empty preview")
            if realModel != nil, step != "sevenLive" {
                #expect(label == 1, "\(step): a vertical stroke read as \(label)")
            }
        }
        if realModel != nil {
            #expect((report["sevenLive"] as? [String: Any])?["label"] as? String == "7")
        }
        for step in ["cleared", "escapeCleared"] {
            let cleared = try #require(report[step] as? [String: Any])
            #expect(cleared["label"] as? String == "–")
            #expect((cleared["bars"] as? [Double])?.allSatisfy { $0 == 0 } == true)
            #expect(cleared["inkPixels"] as? Int == 0)
            #expect(cleared["previewPixels"] as? Int == 0)
        }
        let second = try #require(report["secondModel"] as? [String: Any])
        #expect((second["status"] as? String)?.hasPrefix("Model \(models.last!.name)") == true)
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
    }
}
