import DigittyEngine
import DigittyTestSupport
import Foundation
import Testing

/// Corrupt and unreadable model files: one line on stderr, exit status 1, never a crash.
@Suite struct ModelErrorTests {
    @Test func corruptModelFilesGiveOneLineErrors() throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let valid = try Data(contentsOf: Repository.defaultModel)
        let cases: [(String, Data)] = [
            ("empty", Data()),
            ("truncated", valid.prefix(valid.count / 2)),
            ("header-only", valid.prefix(100)),
            ("garbage", Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })),
            ("huge-header-length", Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) + valid.dropFirst(8)),
        ]
        for (name, bytes) in cases {
            let url = directory.appendingPathComponent("\(name).safetensors")
            try bytes.write(to: url)
            let result = try DigittyProcess.run(["predict", "--model", url.path, "whatever.png"])
            #expect(result.status == 1 && !result.signaled, "\(name): status \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
        }
        for (path, reason) in [("/nonexistent/model.safetensors", "no such file"), (directory.path, "it is a directory")] {
            let result = try DigittyProcess.run(["predict", "--model", path, "x.png"])
            #expect(result.status == 1 && !result.signaled)
            // Named once, with the reason in a few words.
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: cannot read '\(path)': \(reason)")
        }
        // The server says the same, without a usage text.
        let serve = try DigittyProcess.run(["serve", "--port", "0", "--model", "/nonexistent/model.onnx"])
        #expect(serve.status == 1 && !serve.signaled)
        #expect(serve.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: cannot load model: cannot read '/nonexistent/model.onnx': no such file")
    }
}
