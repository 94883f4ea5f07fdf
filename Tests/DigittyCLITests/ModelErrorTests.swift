import DigittyEngine
import DigittyTestSupport
import DigittyVision
import Foundation
import Testing

/// Corrupt and unreadable model files: one line on stderr, exit status 1, never a crash.
@Suite struct ModelErrorTests {
    @Test func corruptModelFilesGiveOneLineErrors() async throws {
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
            let result = try await DigittyProcess.run(["predict", "--model", url.path, "whatever.png"])
            #expect(result.status == 1 && !result.signaled, "\(name): status \(result.status)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): \(result.stderr)")
        }
        for (path, reason) in [("/nonexistent/model.safetensors", "no such file"), (directory.path, "it is a directory")] {
            let result = try await DigittyProcess.run(["predict", "--model", path, "x.png"])
            #expect(result.status == 1 && !result.signaled)
            // Named once, with the reason in a few words.
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: cannot read '\(path)': \(reason)")
        }
        // The server says the same, without a usage text.
        let serve = try await DigittyProcess.run(["serve", "--port", "0", "--model", "/nonexistent/model.onnx"])
        #expect(serve.status == 1 && !serve.signaled)
        #expect(serve.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: cannot load model: cannot read '/nonexistent/model.onnx': no such file")
    }

    /// A port already taken is one line in the system's words (NIO's own text ends in ") (errno: 98)"), with no
    /// warning from the event loops shutting down after the failed bind.
    @Test func takenPortIsOneLine() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        try #require(bound, "could not take a port for the test")
        let port = Int(UInt16(bigEndian: address.sin_port))
        let serve = try await DigittyProcess.run(["serve", "--host", "127.0.0.1", "--port", "\(port)", "--quiet"])
        #expect(serve.status == 1 && !serve.signaled)
        #expect(serve.stderr == "Error: cannot serve on 127.0.0.1:\(port): Address already in use\n")
    }

    /// The default model with some tensors replaced, written to `directory`.
    static func tampered(_ name: String, in directory: URL, change: (inout SafeTensors) -> Void) throws -> URL {
        var file = try SafeTensors(bytes: [UInt8](try Data(contentsOf: Repository.defaultModel)))
        change(&file)
        let url = directory.appendingPathComponent("\(name).safetensors")
        try Data(file.serialized()).write(to: url)
        return url
    }

    /// NaN weights are refused at load, naming the tensor; a model whose weights are finite but overflow to NaN
    /// is an error in `predict` (text and JSON) and `eval`, never label 0, an empty line or a trap.
    @Test func modelsGivingNaNAreErrorsNotAnswers() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = directory.appendingPathComponent("seven.pgm")
        var pixels = [UInt8](repeating: 255, count: 28 * 28)
        for row in 6..<22 { pixels[row * 28 + 14] = 0 }
        try Data(PGM.encode(GrayImage(width: 28, height: 28, bytes: pixels))).write(to: image)
        // A small MNIST-like test set, so that eval runs without the real one.
        try Data(IDXFile(images: [UInt8](repeating: 0, count: 2 * 784) + pixels.map { 255 - $0 } + pixels.map { 255 - $0 },
                         rows: 28, columns: 28).encoded(gzip: true))
            .write(to: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try Data(IDXFile(labels: [0, 1, 1, 1]).encoded(gzip: true)).write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))

        let nanWeight = try Self.tampered("nan-weight", in: directory) { file in
            let name = file.tensors.keys.sorted().first { $0.hasSuffix(".bias") }!
            file.tensors[name]!.scalars[0] = .nan
        }
        let result = try await DigittyProcess.run(["predict", "--json", "--model", nanWeight.path, image.path])
        #expect(result.status == 1 && !result.signaled && result.stdout.isEmpty)
        #expect(result.stderr.contains("holds nan at element 0; weights must be finite numbers"), "\(result.stderr)")

        // Finite weights whose products overflow: every logit is +∞, and softmax of them NaN.
        let overflowing = directory.appendingPathComponent("overflowing.safetensors")
        try ModelFile.save(try SequentialModel(name: "overflowing", layers: [
            Flatten(),
            try Dense(weight: Tensor(shape: [784, 4], repeating: 0), bias: Tensor(shape: [4], repeating: 1000)),
            ReLU(),
            try Dense(weight: Tensor(shape: [4, 10], repeating: 3e38), bias: Tensor(shape: [10], repeating: 0)),
            Softmax(),
        ]), to: overflowing)
        for arguments in [["predict", image.path], ["predict", "--json", image.path], ["eval", "--data", directory.path]] {
            let run = try await DigittyProcess.run(arguments + ["--model", overflowing.path])
            #expect(run.status == 1 && !run.signaled, "\(arguments): status \(run.status)")
            #expect(run.stderr.contains("is not a number (NaN or infinite)"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.contains("\"label\":0") && !run.stdout.contains("nan%"), "\(arguments): \(run.stdout)")
        }
    }

    /// Malformed metadata, special files and missing ONNX files are described in a few words, once.
    @Test func errorsAreOneReadableLine() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let noWidth = try Self.tampered("no-width", in: directory) { $0.metadata["input"] = #"{"height":28}"# }
        let metadata = try await DigittyProcess.run(["predict", "--model", noWidth.path, "x.png"])
        #expect(metadata.status == 1)
        #expect(metadata.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: '\(noWidth.path)': bad model metadata: input: 'width' is missing")

        // A socket is no file to read: the system's reason, not "NSCocoaErrorDomain error 256".
        let socketPath = directory.appendingPathComponent("s.sock").path
        let socket = Foundation.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in socketPath.utf8.enumerated() { path[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        for arguments in [["predict", "--model", socketPath, "x.png"], ["predict", socketPath]] {
            let run = try await DigittyProcess.run(arguments)
            #expect(run.status == 1 && !run.signaled)
            #expect(run.stderr.contains("No such device or address") && !run.stderr.contains("NSCocoaErrorDomain"), "\(run.stderr)")
        }

        let convert = try await DigittyProcess.run(["convert", "/nonexistent/m.onnx", directory.appendingPathComponent("m.safetensors").path])
        #expect(convert.status == 1)
        #expect(convert.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == "Error: cannot read '/nonexistent/m.onnx': no such file")
    }
}
