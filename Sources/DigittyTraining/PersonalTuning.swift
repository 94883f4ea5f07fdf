import DigittyEngine
import Dispatch
import Foundation

/// Fine-tunes a model on a person's taught drawings without letting it forget MNIST: every epoch mixes the
/// drawings' variations with MNIST training digits replayed alongside (three for every drawing image by
/// default), at a small learning rate, and after every epoch measures the MNIST validation accuracy and the
/// accuracy on the drawings, both by the top digit as the reader labels. The result is the epoch that reads the
/// most drawings right (ties: the better validation accuracy), and it is kept only if its validation accuracy is
/// at most `maximumDrop` below the base model's; otherwise nothing is kept and the outcome says so. The guard
/// judges the model that learned the drawings, not an earlier epoch that had not learned them yet: drawings that
/// can only be learned by forgetting MNIST (digits taught as the next digit) are refused, not quietly ignored.
///
/// Works for any model the trainer can train (10 digit outputs, or 11 with "not a digit"). For an eleven-output
/// model, junk pictures are replayed too (one for every `digitsPerJunk` replayed digits, about its training mix),
/// so that the "not a digit" output keeps learning what junk is. The result keeps the base model's input and
/// calibration; the "not a digit" output's scale moves a little in tuning, so whoever saves an eleven-output
/// result fits its calibration again on validation data (`digitty tune` does).
public final class PersonalTuning {
    /// How a tuning run trains and what it accepts.
    public struct Settings: Sendable, Equatable {
        public var epochs = 3
        public var batchSize = 64
        /// Adam's learning rate: a tenth of a from-scratch run's, so the weights move only a little.
        public var learningRate = 1e-4
        /// MNIST images replayed per drawing image in each epoch.
        public var replayPerDrawingImage = 3
        /// The largest drop of MNIST validation accuracy accepted (0.001: 0.1 points).
        public var maximumDrop = 0.001
        public var seed: UInt64 = 1

        public init() {}
    }

    /// How far a run is.
    public enum Progress: Sendable {
        /// Measuring the base model before training.
        case measuring
        case training(TrainingProgress)
    }

    public enum Outcome {
        /// A model within the guard, with its record (also in its provenance).
        case accepted(SequentialModel, TuningRecord)
        /// The result dropped more than the guard allows; the record gives its figures.
        case refused(TuningRecord)
        case interrupted
    }

    /// Replayed MNIST digits per replayed junk picture, for models with a "not a digit" output.
    public static let digitsPerJunk = 4

    /// Variation images made per drawing: eight, more for few drawings so an epoch has at least 256.
    public static func imagesPerDrawing(drawings: Int) -> Int {
        max(8, (256 + max(1, drawings) - 1) / max(1, drawings))
    }

    let base: SequentialModel
    let baseChecksum: String?
    let drawings: LabelledImages
    let drawingsChecksum: String
    let variations: LabelledImages
    let replay: LabelledImages
    let validation: LabelledImages
    let settings: Settings

    /// - Parameters:
    ///   - drawings: each drawing once, as the model sees it (what "drawing accuracy" is measured on).
    ///   - variations: the images trained on for the drawings (`DrawingVariations`), labelled.
    ///   - replay: MNIST training digits to replay (a random sample is taken every run).
    ///   - validation: MNIST digits the guard measures (never trained on).
    public init(base: SequentialModel, baseChecksum: String?, drawings: LabelledImages, drawingsChecksum: String,
                variations: LabelledImages, replay: LabelledImages, validation: LabelledImages,
                settings: Settings = Settings()) throws(ModelError) {
        guard drawings.count > 0, variations.count > 0 else { throw .badInput("no drawings to tune on") }
        guard validation.count > 0 else { throw .badInput("no validation images to guard against forgetting") }
        guard base.input.scaling == .unit else {
            throw .badInput("model '\(base.name)' does not take 0…1 pixels, so it cannot be fine-tuned here")
        }
        for set in [drawings, variations, replay, validation] where set.height != base.input.height || set.width != base.input.width {
            throw .badInput("images of \(set.width)×\(set.height) do not fit model '\(base.name)' (\(base.input.width)×\(base.input.height))")
        }
        self.base = base
        self.baseChecksum = baseChecksum
        self.drawings = drawings
        self.drawingsChecksum = drawingsChecksum
        self.variations = variations
        self.replay = replay
        self.validation = validation
        self.settings = settings
    }

    /// The images of one run: all variations, a random sample of the replay digits and, for a model with a
    /// "not a digit" output, junk pictures (of every kind alike, drawn from the run's seed).
    func trainingImages() -> LabelledImages {
        let wanted = min(replay.count, variations.count * settings.replayPerDrawingImage)
        var indices = Array(0..<replay.count)
        var random = SeededRandom(seed: settings.seed, stream: 0, purpose: 7)
        for slot in 0..<wanted { indices.swapAt(slot, slot + Int(random.next() % UInt64(replay.count - slot))) }
        var pixels = variations.pixels, labels = variations.labels
        pixels.reserveCapacity(pixels.count + wanted * replay.imageSize)
        for index in indices.prefix(wanted) {
            pixels.append(contentsOf: replay.pixels[index * replay.imageSize..<(index + 1) * replay.imageSize])
            labels.append(replay.labels[index])
        }
        if base.shapes.last == [Int(SyntheticImages.notADigit) + 1] {
            let perKind = max(1, wanted / (Self.digitsPerJunk * Junk.allCases.count))
            let junk = SyntheticImages.junk(perKind: perKind, digits: replay, seed: settings.seed &+ 0x7A_4E)
            pixels += junk.pixels
            labels += junk.labels
        }
        // Sizes agree by construction.
        return try! LabelledImages(pixels: pixels, labels: labels, height: variations.height, width: variations.width)
    }

    /// Trains, measures after every epoch and keeps the best epoch within the guard. `shouldStop` is asked after
    /// every batch; when it says so, the run ends with `.interrupted` and nothing is kept.
    public func run(progress: (Progress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws(ModelError) -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let training = trainingImages()
        let configuration = TrainingConfiguration(
            architecture: "fine-tuned \(base.name)", layers: base.specs, epochs: settings.epochs,
            batchSize: settings.batchSize, learningRate: settings.learningRate, optimizer: .adam(), seed: settings.seed,
            augmentation: nil, startingModel: baseChecksum ?? base.name)
        let trainer = try Trainer(name: "personal", configuration: configuration, training: training,
                                  validation: validation, startingModel: base)
        // Fine-tuning keeps the base's batch-norm statistics: re-estimated from a few thousand images unlike its
        // training mix (the "not a digit" model was trained on widened handwriting and junk), they moved its
        // answers on MNIST validation by 0.3 points (99.48% → 99.16%) even with junk replayed.
        trainer.model.batchNormStatisticsFrozen = true
        progress(.measuring)
        let validationBefore = trainer.evaluate(validation, topDigit: true).accuracy
        let drawingsBefore = trainer.evaluate(drawings, topDigit: true).accuracy
        var record = TuningRecord(
            baseModel: base.name, baseModelSHA256: baseChecksum, drawings: drawings.count,
            drawingsSHA256: drawingsChecksum, drawingImages: variations.count,
            replayImages: training.count - variations.count, validationImages: validation.count,
            validationAccuracyBefore: validationBefore, validationAccuracyAfter: validationBefore,
            drawingAccuracyBefore: drawingsBefore, drawingAccuracyAfter: drawingsBefore,
            maximumDrop: settings.maximumDrop, epochs: settings.epochs, epochKept: nil, seconds: 0)
        var best: (parameters: [Float], validation: Double, drawings: Double, epoch: Int)?
        while !trainer.isFinished {
            guard let metrics = trainer.runEpoch(progress: { progress(.training($0)) }, shouldStop: shouldStop) else {
                return .interrupted
            }
            if shouldStop() { return .interrupted }
            let validationAfter = trainer.evaluate(validation, topDigit: true).accuracy
            let drawingsAfter = trainer.evaluate(drawings, topDigit: true).accuracy
            if best.map({ drawingsAfter > $0.drawings || (drawingsAfter == $0.drawings && validationAfter > $0.validation) }) ?? true {
                best = (trainer.model.parameterValues, validationAfter, drawingsAfter, metrics.epoch)
            }
        }
        guard let kept = best else { return .interrupted }
        record.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        record.validationAccuracyAfter = kept.validation
        record.drawingAccuracyAfter = kept.drawings
        guard record.withinGuard(kept.validation) else { return .refused(record) }
        record.epochKept = kept.epoch
        var provenance = base.provenance
        provenance.trainedWith = "digitty tune (fine-tuned \(base.name) on \(drawings.count) taught drawings)"
        provenance.dataset = "\(drawings.count) taught drawings as \(variations.count) variations, "
            + "\(record.replayImages) MNIST training digits and junk pictures replayed; guard: \(validation.count) MNIST validation digits"
        provenance.augmentation = "drawings: rotation, stroke thickness, shift (DrawingVariations); replay: none"
        provenance.epochs = settings.epochs
        provenance.batchSize = settings.batchSize
        provenance.learningRate = settings.learningRate
        provenance.optimizer = OptimizerKind.adam().description
        provenance.seed = settings.seed
        provenance.validationAccuracy = kept.validation
        provenance.testAccuracy = nil
        provenance.notes = record.summary
        provenance.tuning = record
        let trained = try trainer.model.makeModel(name: "personal", values: kept.parameters)
        let model = try SequentialModel(name: "personal", input: base.input, layers: trained.layers,
                                        provenance: provenance, calibration: base.calibration)
        return .accepted(model, record)
    }
}

