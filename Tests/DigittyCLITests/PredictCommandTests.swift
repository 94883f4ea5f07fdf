import DigittyTestSupport
import DigittyVision
import Foundation
import Testing

@Suite struct PredictCommandTests {
    /// A thick vertical stroke: a "1" any digit model reads.
    static func one(width: Int, height: Int, inkOnWhite: Bool = false) -> GrayImage {
        var image = GrayImage(width: width, height: height)
        for y in height / 5..<height * 4 / 5 {
            for x in width / 2 - max(1, width / 20)...width / 2 + max(1, width / 20) {
                image[x, y] = 1
            }
        }
        if inkOnWhite { image.pixels = image.pixels.map { 1 - $0 } }
        return image
    }

    func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func predictsPNGAndPGMOfAnySizeAndPolarity() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = [
            ("small.png", PNG.encode(Self.one(width: 28, height: 28))),
            ("large-dark-on-light.png", PNG.encode(Self.one(width: 300, height: 200, inkOnWhite: true))),
            ("plain.pgm", PGM.encode(Self.one(width: 64, height: 64))),
        ]
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        let result = try await DigittyProcess.run(["predict", "--json"] + files.map { directory.appendingPathComponent($0.0).path })
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try json(line)
            #expect(object["label"] as? Int == 1, "\(line)")
            #expect(object["empty"] as? Bool == false)
            let probabilities = try #require(object["probabilities"] as? [Double])
            #expect(probabilities.count == 10)
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)
        }
    }

    @Test func textOutputShowsTheDigitAndABarChart() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("one.png")
        try Data(PNG.encode(Self.one(width: 28, height: 28))).write(to: url)
        let result = try await DigittyProcess.run(["predict", url.path], environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.contains(": 1") == true)
        #expect(lines.filter { $0.hasSuffix("%") }.count == 10)
        #expect(lines.contains { $0.hasPrefix("▶ 1 █") })
        let ascii = try await DigittyProcess.run(["predict", url.path], environment: ["LANG": "C", "LC_ALL": "C"])
        #expect(ascii.stdout.contains("> 1 #"))
        #expect(!ascii.stdout.contains("█"))
    }

    @Test func emptyImagesAreReportedNotPredicted() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("blank.png")
        try Data(PNG.encode(GrayImage(width: 40, height: 40))).write(to: url)
        let result = try await DigittyProcess.run(["predict", "--json", url.path])
        #expect(result.status == 0)
        let object = try json(try #require(result.stdout.split(separator: "\n").first))
        #expect(object["empty"] as? Bool == true)
        #expect(object["label"] is NSNull)
    }

    @Test func badImagesGiveOneLineErrorsAndTheRestStillRuns() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.png")
        try Data(PNG.encode(Self.one(width: 28, height: 28))).write(to: good)
        var hugePNG = PNG.encode(GrayImage(width: 1, height: 1))
        // IHDR width and height (bytes 16…23) set to 100000 × 100000.
        for (offset, byte) in [0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0].enumerated() { hugePNG[16 + offset] = UInt8(byte) }
        let bad: [(String, [UInt8])] = [
            ("garbage.png", Array("this is not an image".utf8)),
            ("truncated.png", Array(PNG.encode(Self.one(width: 28, height: 28)).prefix(40))),
            ("huge.png", hugePNG),
            ("zero.pgm", Array("P5\n0 0\n255\n".utf8)),
            ("huge.pgm", Array("P5\n100000 100000\n255\n".utf8) + [0, 0, 0]),
            ("empty-file.png", []),
        ]
        for (name, bytes) in bad { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        let paths = bad.map { directory.appendingPathComponent($0.0).path } + [directory.path, "/nonexistent/x.png", good.path]
        let result = try await DigittyProcess.run(["predict", "--json"] + paths)
        #expect(result.status == 1)
        #expect(!result.signaled)
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == paths.count - 1, "\(result.stderr)")
        for path in paths.dropLast() { #expect(errors.contains { $0.contains(path) }, "no error names \(path)") }
        #expect(errors.contains("digitty: \(directory.path): cannot read: it is a directory"), "\(result.stderr)")
        #expect(errors.contains("digitty: /nonexistent/x.png: cannot read: no such file"), "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stdout.contains("good.png"))
    }
}

@Suite struct PredictIDXTests {
    static let mnist = Repository.mnist

    @Test func givesOnePredictionPerImageWithItsIndex() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = PredictCommandTests.one(width: 28, height: 28).bytes
        let file = IDXFile(images: one + [UInt8](repeating: 0, count: 784) + one, rows: 28, columns: 28)
        for (name, gzip) in [("three.idx", false), ("three.idx.gz", true)] {
            let url = directory.appendingPathComponent(name)
            try Data(file.encoded(gzip: gzip)).write(to: url)
            let result = try await DigittyProcess.run(["predict", "--json", url.path])
            #expect(result.status == 0, "\(result.stderr)")
            let objects = try result.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(objects.map { $0["index"] as? Int } == [0, 1, 2])
            #expect(objects.map { $0["empty"] as? Bool } == [false, true, false])
            #expect(objects.first?["label"] as? Int == 1)
        }
        let labels = directory.appendingPathComponent("labels.idx")
        try Data(IDXFile(labels: [1, 2]).encoded()).write(to: labels)
        let result = try await DigittyProcess.run(["predict", labels.path])
        #expect(result.status == 1 && result.stderr.contains("label"))
    }

    /// The whole MNIST test set through `digitty predict` with the shipped default model.
    @Test(Prerequisite.mnist.trait) func readsTheMNISTTestSetAccurately() async throws {
        try Prerequisite.mnist.require()
        let images = Self.mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let labels = try IDXFile.load(contentsOf: Self.mnist.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let result = try await DigittyProcess.run(["predict", "--json", images.path])
        #expect(result.status == 0)
        let predicted = result.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["label"] as? Int
        }
        #expect(predicted.count == 10_000)
        let correct = zip(predicted, labels.data).filter { $0 == Int($1) }.count
        print("digitty predict on the MNIST test set: \(correct) / 10000 correct")
        #expect(correct >= 9_900)
    }
}
