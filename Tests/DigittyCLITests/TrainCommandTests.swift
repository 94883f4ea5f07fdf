import DigittyEngine
import DigittyTestSupport
import DigittyVision
import Foundation
import Testing

/// `digitty train`, `experiment` and `eval` as a user runs them, on small synthetic MNIST-format files
/// (28×28 bars in four orientations) written by the test.
@Suite(.serialized) struct TrainCommandTests {
    /// Writes raw IDX files for `count` training and `testCount` test images into a new directory.
    static func syntheticMNIST(count: Int, testCount: Int) throws -> URL {
        let directory = Repository.temporaryDirectory("cli")
        func write(_ name: String, images: Int, seed: UInt64) throws {
            var random = SeededRandom(seed: seed)
            var pixels = [UInt8](), labels = [UInt8]()
            for _ in 0..<images {
                var image = [UInt8](repeating: 0, count: 784)
                let label = Int(random.next() % 4), offset = Int(random.next() % 12) + 8
                for step in 0..<16 {
                    for width in 0..<2 {
                        let (x, y): (Int, Int) = switch label {
                        case 0: (6 + step, offset + width)
                        case 1: (offset + width, 6 + step)
                        case 2: (6 + step + width, 6 + step)
                        default: (21 - step + width, 6 + step)
                        }
                        image[y * 28 + x] = 255
                    }
                }
                pixels += image
                labels.append(UInt8(label))
            }
            func header(_ values: [Int]) -> [UInt8] { values.flatMap { v in [24, 16, 8, 0].map { UInt8(v >> $0 & 0xFF) } } }
            try Data(header([0x803, images, 28, 28]) + pixels).write(to: directory.appendingPathComponent("\(name)-images-idx3-ubyte"))
            try Data(header([0x801, images]) + labels).write(to: directory.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        }
        try write("train", images: count, seed: 1)
        try write("t10k", images: testCount, seed: 2)
        return directory
    }

    /// Runs `digitty` with `arguments`, sends SIGINT once its stderr contains `marker`, and waits for it.
    static func interrupt(_ arguments: [String], after marker: String) throws -> (status: Int32, stderr: String, signaled: Bool) {
        let process = Process()
        process.executableURL = DigittyProcess.executable
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        nonisolated(unsafe) var text = ""
        let lock = NSLock()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            lock.lock(); text += String(decoding: data, as: UTF8.self); lock.unlock()
        }
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning {
            lock.lock(); let seen = text.contains(marker); lock.unlock()
            if seen { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Let it get into its first batches.
        Thread.sleep(forTimeInterval: 0.3)
        process.interrupt()
        let stopDeadline = Date().addingTimeInterval(120) // it finishes its batch and saves a checkpoint
        while process.isRunning, Date() < stopDeadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        let rest = errors.fileHandleForReading.readDataToEndOfFile()
        lock.lock(); text += String(decoding: rest, as: UTF8.self); lock.unlock()
        return (process.terminationStatus, text, process.terminationReason == .uncaughtSignal)
    }

    @Test func sigintSavesACheckpointAndResumeEndsWithTheUninterruptedWeights() async throws {
        let data = try Self.syntheticMNIST(count: 2400, testCount: 100)
        defer { try? FileManager.default.removeItem(at: data) }
        let common = ["train", "--data", data.path, "--validation-size", "200", "--epochs", "2", "--batch-size", "16",
                      "--rotation", "6", "--seed", "3"]
        let interrupted = data.appendingPathComponent("interrupted.safetensors")
        let checkpoint = URL(fileURLWithPath: interrupted.path + ".checkpoint")
        let first = try Self.interrupt(common + ["--output", interrupted.path], after: "training simple")
        #expect(!first.signaled, "killed by a signal: \(first.stderr)")
        #expect(first.status == 3, "\(first.stderr)")
        #expect(first.stderr.contains("interrupted"))
        #expect(FileManager.default.fileExists(atPath: checkpoint.path))
        #expect(!FileManager.default.fileExists(atPath: interrupted.path))

        let resumed = try await DigittyProcess.run(common + ["--output", interrupted.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming"))
        #expect(!FileManager.default.fileExists(atPath: checkpoint.path))

        let straight = data.appendingPathComponent("straight.safetensors")
        let uninterrupted = try await DigittyProcess.run(common + ["--output", straight.path])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        let a = try ModelFile.load(contentsOf: interrupted), b = try ModelFile.load(contentsOf: straight)
        #expect(a.namedWeights.map(\.tensor) == b.namedWeights.map(\.tensor))
        #expect(a.provenance.seed == 3 && a.provenance.epochs == 2)
        #expect(a.provenance.augmentation?.contains("rotation ±6°") == true)
        #expect(a.provenance.validationAccuracy != nil && a.provenance.testAccuracy != nil)
        #expect(a.provenance.dataChecksums?.count == 4)
        #expect((a.provenance.validationAccuracy ?? 0) > 0.9)

        // eval on the same data: accuracy, confusion matrix and the JSON form.
        let eval = try await DigittyProcess.run(["eval", "--model", straight.path, "--data", data.path, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any]
        #expect(abs((report?["accuracy"] as? Double ?? -1) - (b.provenance.testAccuracy ?? -2)) < 1e-9)
        #expect((report?["confusion"] as? [[Int]])?.count == 10)
        let text = try await DigittyProcess.run(["eval", "--model", straight.path, "--data", data.path])
        #expect(text.stdout.contains("confusion matrix"))
    }

    @Test func fullDiskOrUnwritableOutputKeepsThePreviousCheckpoint() async throws {
        let data = try Self.syntheticMNIST(count: 2400, testCount: 50)
        defer { try? FileManager.default.removeItem(at: data) }
        let common = ["train", "--data", data.path, "--validation-size", "200", "--epochs", "3", "--batch-size", "16", "--seed", "4"]
        let output = data.appendingPathComponent("model.safetensors")
        let checkpoint = URL(fileURLWithPath: output.path + ".checkpoint")
        let first = try Self.interrupt(common + ["--output", output.path], after: "training simple")
        #expect(first.status == 3, "\(first.stderr)")
        let saved = try Data(contentsOf: checkpoint)
        func hiddenFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: data.path)) ?? []).filter { $0.hasPrefix(".") }
        }

        // A file-size limit below the checkpoint's size: the next checkpoint cannot be written, as on a full disk.
        let full = try await DigittyProcess.run(common + ["--output", output.path, "--resume"], fileSizeLimit: saved.count / 512 / 2)
        #expect(full.status == 1 && !full.signaled, "\(full.stderr)")
        #expect(full.stderr.contains("cannot write '\(checkpoint.path)': File too large"), "\(full.stderr)")
        #expect(try Data(contentsOf: checkpoint) == saved)
        #expect(hiddenFiles().isEmpty, "temporary files left: \(hiddenFiles())")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        // An output directory that cannot be made (a file is in the way): refused before any training.
        let blocker = data.appendingPathComponent("train-images-idx3-ubyte")
        let blocked = try await DigittyProcess.run(common + ["--output", blocker.appendingPathComponent("m.safetensors").path,
                                                      "--checkpoint", checkpoint.path, "--resume"])
        #expect(blocked.status == 1 && !blocked.signaled, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("\(blocker.path) is a file, not a directory"), "\(blocked.stderr)")
        #expect(try Data(contentsOf: checkpoint) == saved)

        // Nothing was lost: the run resumes from the checkpoint and finishes.
        let resumed = try await DigittyProcess.run(common + ["--output", output.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try ModelFile.load(contentsOf: output).provenance.epochs == 3)
        #expect(!FileManager.default.fileExists(atPath: checkpoint.path))
        #expect(hiddenFiles().isEmpty)
    }

    @Test func checkpointAndOutputAreCheckedBeforeTraining() async throws {
        let data = try Self.syntheticMNIST(count: 400, testCount: 40)
        defer { try? FileManager.default.removeItem(at: data) }
        let common = ["train", "--data", data.path, "--validation-size", "100", "--epochs", "1", "--batch-size", "32"]
        let output = data.appendingPathComponent("m.safetensors")
        let checkpoint = output.path + ".checkpoint"

        // Temporary files that writes killed mid-way (SIGKILL) left beside the checkpoint and the model are removed;
        // a file that only looks like one is kept.
        let leftovers = [".m.safetensors.checkpoint.\(UUID().uuidString).tmp", ".m.safetensors.\(UUID().uuidString).tmp"]
        for name in leftovers + [".m.safetensors.checkpoint.notes.tmp"] {
            try Data("partial".utf8).write(to: data.appendingPathComponent(name))
        }
        let first = try await DigittyProcess.run(common + ["--output", output.path])
        #expect(first.status == 0, "\(first.stderr)")
        for name in leftovers {
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent(name).path), "\(name) is left")
            #expect(first.stderr.contains("removed \(data.appendingPathComponent(name).path)"), "\(first.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(".m.safetensors.checkpoint.notes.tmp").path))

        // An earlier run's checkpoint is not overwritten without --resume.
        let model = try Data(contentsOf: output)
        let truncated = model.prefix(model.count / 2)
        try truncated.write(to: URL(fileURLWithPath: checkpoint))
        let refused = try await DigittyProcess.run(common + ["--output", output.path])
        #expect(refused.status == 1 && !refused.signaled, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(checkpoint) holds an earlier run's checkpoint: pass --resume to continue it, or remove it"),
                "\(refused.stderr)")
        #expect(!refused.stderr.contains("epoch 1/1"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == truncated)

        // A truncated checkpoint: the error names it.
        let resumed = try await DigittyProcess.run(common + ["--output", output.path, "--resume"])
        #expect(resumed.status == 1 && !resumed.signaled, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("cannot read '\(checkpoint)': not a usable training checkpoint"), "\(resumed.stderr)")
        try FileManager.default.removeItem(atPath: checkpoint)

        // A model or checkpoint path that is a directory is refused before the first epoch, not after it.
        let directory = data.appendingPathComponent("directory")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for arguments in [["--output", directory.path], ["--output", output.path, "--checkpoint", directory.path]] {
            let result = try await DigittyProcess.run(common + arguments)
            #expect(result.status == 1 && !result.signaled, "\(result.stderr)")
            #expect(result.stderr.contains("cannot write \(directory.path): it is a directory"), "\(result.stderr)")
            #expect(!result.stderr.contains("epoch 1/1"), "\(result.stderr)")
        }
    }

    @Test func experimentWritesRunsAndALeaderboard() async throws {
        let data = try Self.syntheticMNIST(count: 300, testCount: 50)
        defer { try? FileManager.default.removeItem(at: data) }
        let output = data.appendingPathComponent("runs")
        let result = try await DigittyProcess.run(["experiment", "--data", data.path, "--output", output.path, "--epochs", "1",
                                             "--validation-size", "60", "--only", "simple"])
        #expect(result.status == 0, "\(result.stderr)")
        for run in ["simple-rot6", "simple-rot12"] {
            for file in ["params.json", "metrics.csv", "model.safetensors"] {
                #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("\(run)/\(file)").path), "\(run)/\(file)")
            }
        }
        let csv = try String(contentsOf: output.appendingPathComponent("simple-rot6/metrics.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 2)
        let leaderboard = try JSONSerialization.jsonObject(
            with: Data(contentsOf: output.appendingPathComponent("leaderboard.json"))) as? [[String: Any]]
        #expect(leaderboard?.count == 2)
        #expect(leaderboard?.first?["rank"] as? Int == 1)
        let markdown = try String(contentsOf: output.appendingPathComponent("leaderboard.md"), encoding: .utf8)
        #expect(markdown.contains("Best on validation"))
    }

    @Test func badTrainingInputGivesAClearError() async throws {
        let data = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: data) }
        let missing = try await DigittyProcess.run(["train", "--data", data.path])
        #expect(missing.status == 1 && !missing.signaled)
        #expect(missing.stderr.contains("MNIST"))
        try Data([0, 0, 8, 3, 0, 0]).write(to: data.appendingPathComponent("train-images-idx3-ubyte"))
        try Data([0, 0, 8, 1]).write(to: data.appendingPathComponent("train-labels-idx1-ubyte"))
        try Data([0, 0, 8, 3]).write(to: data.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data([0, 0, 8, 1]).write(to: data.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let truncated = try await DigittyProcess.run(["train", "--data", data.path])
        #expect(truncated.status == 1 && !truncated.signaled, "\(truncated.stderr)")
        #expect(truncated.stderr.contains("train-images-idx3-ubyte: too short for an IDX header"), "\(truncated.stderr)")
        let badOptions = try await DigittyProcess.run(["train", "--epochs", "0", "--data", data.path])
        #expect(badOptions.status != 0 && !badOptions.signaled)
        let resumeWithout = try await DigittyProcess.run(["train", "--resume", "--data", data.path])
        #expect(resumeWithout.status != 0 && !resumeWithout.signaled)
    }

    @Test func aModelCanBeFineTunedOnPenRedrawnDigits() async throws {
        let data = try Self.syntheticMNIST(count: 600, testCount: 50)
        defer { try? FileManager.default.removeItem(at: data) }
        let common = ["train", "--data", data.path, "--validation-size", "100", "--epochs", "1", "--batch-size", "32"]
        let base = data.appendingPathComponent("base.safetensors"), tuned = data.appendingPathComponent("tuned.safetensors")
        let first = try await DigittyProcess.run(common + ["--output", base.path])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try await DigittyProcess.run(common + ["--start-from", base.path, "--pen-redraw", "0.5", "--seed", "2",
                                                      "--output", tuned.path])
        #expect(second.status == 0, "\(second.stderr)")
        let model = try ModelFile.load(contentsOf: tuned)
        let checksum = try SHA256.hex(contentsOf: base)
        #expect(model.provenance.notes?.contains("fine-tuned from base (file SHA-256 \(checksum))") == true,
                "\(model.provenance.notes ?? "")")
        #expect(model.provenance.augmentation?.contains("50% redrawn with the app's pen") == true)
        #expect(try ModelFile.load(contentsOf: base).namedWeights.map(\.tensor) != model.namedWeights.map(\.tensor))

        let missing = try await DigittyProcess.run(common + ["--start-from", "/nonexistent/base.safetensors", "--output", tuned.path])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read '/nonexistent/base.safetensors': no such file"),
                "\(missing.stderr)")
        let otherArchitecture = try await DigittyProcess.run(common + ["--arch", "deep", "--start-from", base.path, "--output", tuned.path])
        #expect(otherArchitecture.status == 1 && otherArchitecture.stderr.contains("its layers are not those of --arch deep"),
                "\(otherArchitecture.stderr)")
        let badShare = try await DigittyProcess.run(common + ["--pen-redraw", "1.5", "--output", tuned.path])
        #expect(badShare.status == 1 && badShare.stderr.contains("pen redraw 0…1"), "\(badShare.stderr)")
    }
}
