import DigittyEngine
import DigittyVision
import DigittyTestSupport
import DigittyTraining
import Foundation
import Testing

/// Training with "not a digit" and handwriting styles, `digitty calibrate`, and what `eval` reports about
/// calibration and junk, on small synthetic MNIST-format files; and verdicts on bad drawings.
@Suite(.serialized) struct RobustnessCommandTests {
    @Test func notADigitTrainingCalibrationAndEvalWorkTogether() async throws {
        let data = try TrainCommandTests.syntheticMNIST(count: 1200, testCount: 200)
        defer { try? FileManager.default.removeItem(at: data) }
        let common = ["--data", data.path, "--validation-size", "200", "--batch-size", "16", "--seed", "2"]
        // A ten-class model, then fine-tuned from it with junk as an eleventh class and the styles MNIST lacks.
        let ten = data.appendingPathComponent("ten.safetensors")
        let first = try await DigittyProcess.run(["train", "--epochs", "1", "--output", ten.path] + common)
        #expect(first.status == 0, "\(first.stderr)")
        let eleven = data.appendingPathComponent("eleven.safetensors")
        let widened = try await DigittyProcess.run(["train", "--epochs", "2", "--start-from", ten.path, "--not-a-digit", "60",
                                              "--validation-junk", "20", "--styles", "10", "--shear", "0.4",
                                              "--aspect", "0.6", "--thickness", "0.3", "--low-resolution", "0.2",
                                              "--stretch-to-fill", "0.1", "--output", eleven.path] + common)
        #expect(widened.status == 0, "\(widened.stderr)")
        #expect(widened.stderr.contains("training simple+not-a-digit"), "\(widened.stderr)")
        let model = try ModelFile.load(contentsOf: eleven)
        #expect(model.specs.dropLast().last == .dense(units: 11))
        #expect(model.provenance.dataset?.contains("junk pictures of each of 6 kinds") == true)
        #expect(model.provenance.augmentation?.contains("shear ±0.40 on half") == true)
        #expect(model.calibration == Calibration())

        // Without calibration, eval says so.
        let before = try await DigittyProcess.run(["eval", "--model", eleven.path, "--data", data.path])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("calibration: none recorded"), "\(before.stdout)")
        #expect(before.stdout.contains("expected calibration error (15 bins"))

        let calibrated = data.appendingPathComponent("calibrated.safetensors")
        let fit = try await DigittyProcess.run(["calibrate", "--model", eleven.path, "--output", calibrated.path, "--junk", "20"] + common.prefix(4))
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("temperature") && fit.stdout.contains("not a digit at"), "\(fit.stdout)")
        let saved = try ModelFile.load(contentsOf: calibrated)
        #expect(saved.namedWeights.map(\.tensor) == model.namedWeights.map(\.tensor))
        #expect(saved.calibration.notADigitAtLeast != nil)
        #expect(saved.calibration.temperature != 1)

        let after = try await DigittyProcess.run(["eval", "--model", calibrated.path, "--data", data.path, "--robustness",
                                            "--junk", "10", "--style-drawings", "4", "--json"])
        #expect(after.status == 0, "\(after.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        let section = try #require(report["calibration"] as? [String: Any])
        #expect(section["calibrated"] as? Bool == true)
        #expect((section["reliability"] as? [Any])?.count == 15)
        #expect((section["junkRejection"] as? [String: Double])?.count == Junk.allCases.count)
        #expect((section["styleAccuracy"] as? [String: Double])?.count == StrokeStyle.allCases.count)
        let auroc = try #require(section["auroc"] as? Double)
        #expect(auroc >= 0 && auroc <= 1)
        let verdicts = try #require(section["verdicts"] as? [String: Int])
        #expect(verdicts.values.reduce(0, +) == 200)
    }

    @Test func aStartingModelOfAnotherArchitectureIsRefused() async throws {
        let data = try TrainCommandTests.syntheticMNIST(count: 400, testCount: 20)
        defer { try? FileManager.default.removeItem(at: data) }
        let model = data.appendingPathComponent("simple.safetensors")
        #expect(try await DigittyProcess.run(["train", "--epochs", "1", "--data", data.path, "--validation-size", "100",
                                        "--output", model.path]).status == 0)
        let refused = try await DigittyProcess.run(["train", "--arch", "deep", "--start-from", model.path, "--not-a-digit", "5",
                                              "--data", data.path, "--validation-size", "100"])
        #expect(refused.status == 1 && !refused.signaled)
        #expect(refused.stderr.contains("its layers are not those of --arch deep"), "\(refused.stderr)")
    }

    /// Junk, blank, tiny and huge drawings through the shipped default model: a verdict each, never a crash.
    @Test func badDrawingsGetAVerdict() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededRandom(seed: 1)
        var noise = GrayImage(width: 2000, height: 1500)
        for index in noise.pixels.indices { noise.pixels[index] = random.nextUnit() }
        var dot = GrayImage(width: 1, height: 1)
        dot.pixels[0] = 1
        var scribble = GrayImage(width: 28, height: 28)
        scribble.stroke(fromX: 2, y0: 2, toX: 26, y1: 26, brush: .pen)
        scribble.stroke(fromX: 26, y0: 2, toX: 2, y1: 26, brush: .pen)
        let files = [("noise.pgm", noise), ("dot.pgm", dot), ("blank.pgm", GrayImage(width: 3, height: 3)), ("x.pgm", scribble)]
        for (name, image) in files { try Data(PGM.encode(image)).write(to: directory.appendingPathComponent(name)) }
        let result = try await DigittyProcess.run(["predict", "--json"] + files.map { directory.appendingPathComponent($0.0).path })
        #expect(result.status == 0 && !result.signaled, "\(result.stderr)")
        let verdicts = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["verdict"] as? String
        }
        #expect(verdicts.count == 4)
        #expect(verdicts.allSatisfy { ["digit", "unsure", "not_a_digit", "empty"].contains($0 ?? "") })
        #expect(verdicts[2] == "empty")
    }
}
