import DigittyEngine
import DigittyTraining
import DigittyONNX
import DigittyTerminal
import DigittyVision
import Foundation

/// One tuning of the personal model, as `digitty tune` and the app's `T` both run it: reads the base model,
/// the taught drawings (listing and skipping the files that are not drawings) and MNIST, makes the drawings'
/// variations, runs `PersonalTuning` (MNIST replayed, forgetting guard) and, only when the result passes the
/// guard, writes the personal model atomically; a model with a "not a digit" output gets its calibration fitted
/// again first, as `digitty calibrate` fits it (its thresholds were the base's, for the base's output scale). Interrupted or refused, it writes nothing, so the previous
/// personal model stays as it was.
struct PersonalModelTuning: Sendable {
    var base: URL
    var drawings: DrawingStore
    var output: URL
    /// The MNIST directory (replay and validation).
    var data: URL
    var settings = PersonalTuning.Settings()
    /// MNIST training images held out to guard against forgetting (the last ones, as `digitty train` does).
    static let validationSize = 5000

    enum Outcome {
        case written(TuningRecord)
        case refused(TuningRecord)
        case interrupted
    }

    /// Runs it; `report` gets one-line notes (files skipped), `progress` the live progress line (`brief`: short
    /// enough for the app's status lines).
    func run(report: (String) -> Void, progress: (String) -> Void, brief: Bool = false, shouldStop: () -> Bool) throws -> Outcome {
        let loaded: any ImageClassifier
        do {
            loaded = try ModelLoader.load(contentsOf: base)
        } catch {
            throw CLIError(error.description)
        }
        guard let model = loaded as? SequentialModel else {
            throw CLIError("\(base.path): only sequential CNNs can be tuned, and this model is a general graph")
        }
        guard model.input.mnistPreprocessing, model.input.width == DrawingStore.side, model.input.height == DrawingStore.side else {
            throw CLIError("\(base.path): tuning needs a model that reads 28×28 MNIST-style preprocessed drawings")
        }
        let contents = drawings.load()
        for skipped in contents.skipped { report("skipped \(skipped.file.path): \(skipped.reason)") }
        guard !contents.drawings.isEmpty else {
            throw CLIError("no drawings in \(drawings.directory.path): teach some in the app first (draw, then press the digit it is)")
        }
        let (replay, validation) = try Self.mnist(data)
        let variations = DrawingVariations()
        let perDrawing = PersonalTuning.imagesPerDrawing(drawings: contents.drawings.count)
        var plain: [UInt8] = [], varied: [UInt8] = [], variedLabels: [UInt8] = []
        for (index, drawing) in contents.drawings.enumerated() {
            let images = variations.images(of: drawing.image, count: perDrawing,
                                           seed: SeededRandom.mix(settings.seed &+ UInt64(index)))
            plain += images[0]
            for image in images { varied += image }
            variedLabels += [UInt8](repeating: UInt8(drawing.digit), count: images.count)
        }
        let tuning = try PersonalTuning(
            base: model, baseChecksum: try SHA256.hex(contentsOf: base),
            drawings: try LabelledImages(pixels: plain, labels: contents.drawings.map { UInt8($0.digit) }),
            drawingsChecksum: contents.checksum,
            variations: try LabelledImages(pixels: varied, labels: variedLabels),
            replay: replay, validation: validation, settings: settings)
        let outcome = try tuning.run(progress: { step in
            switch step {
            case .measuring:
                progress(brief ? "tuning: measuring \(model.name)" : "tuning: measuring \(model.name) on \(validation.count) MNIST validation digits")
            case let .training(training) where brief:
                let done = (training.epoch - 1) * training.batches + training.batch, all = training.epochs * training.batches
                progress("tuning: \(100 * done / max(1, all))%, about \(ProgressLine.duration(training.remainingSeconds)) left")
            case let .training(training): progress("tuning: " + ProgressLine.describe(training))
            }
        }, shouldStop: shouldStop)
        switch outcome {
        case .interrupted: return .interrupted
        case let .refused(record): return .refused(record)
        case let .accepted(tuned, record):
            var personal = tuned
            if model.calibration.notADigitAtLeast != nil {
                let fit = try CalibrationFit(model: tuned, validation: try CalibrateCommand.validationImages(digits: validation),
                                             falseRejection: CalibrateCommand.defaultFalseRejection)
                personal = try SequentialModel(name: tuned.name, input: tuned.input, layers: tuned.layers,
                                               provenance: tuned.provenance, calibration: fit.calibration)
                report(String(format: "calibration fitted again: not a digit at %.2f or more (%.2f%% of validation digits rejected)",
                              fit.calibration.notADigitAtLeast ?? 1, fit.falseRejection * 100))
            }
            try OutputDirectory.create(output.deletingLastPathComponent())
            do {
                try ModelFile.save(personal, to: output)
            } catch {
                throw CLIError(error.description)
            }
            return .written(record)
        }
    }

    /// MNIST training digits to replay (all but the last `validationSize`) and the held-out ones.
    static func mnist(_ directory: URL) throws -> (replay: LabelledImages, validation: LabelledImages) {
        let train = try MNISTDataset.load(directory: directory, split: .train)
        let all = try LabelledImages(pixels: train.images, labels: train.labels,
                                     height: MNISTDataset.rows, width: MNISTDataset.columns)
        let split = all.count - validationSize
        guard split > 0 else { throw CLIError("\(directory.path): MNIST has too few training digits (\(all.count))") }
        return (all.subset(0..<split), all.subset(split..<all.count))
    }

    /// The one line that says how it ended.
    static func describe(_ outcome: Outcome, output: URL) -> String {
        switch outcome {
        case let .written(record):
            "wrote \(output.path): \(record.summary)"
        case let .refused(record):
            "not written: MNIST validation accuracy would drop more than "
                + "\(record.maximumDrop * 100) points (\(record.summary)); the previous personal model is unchanged"
        case .interrupted:
            "interrupted: nothing written, the previous personal model is unchanged"
        }
    }

    /// The app's `T`: the same tuning, its result as the app shows it.
    var tuner: PersonalTuner {
        { progress, shouldStop in
            var skipped = 0
            let outcome = try run(report: { _ in skipped += 1 }, progress: progress, brief: true, shouldStop: shouldStop)
            let note = skipped > 0 ? " (\(skipped) file\(skipped == 1 ? "" : "s") skipped: see digitty tune)" : ""
            if case let .written(record) = outcome { return .written(output, summary: record.summary + note) }
            return .notWritten(Self.describe(outcome, output: output) + note)
        }
    }
}
