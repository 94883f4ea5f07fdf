import DigittyEngine
import Dispatch

/// Where a training run is: the epoch and batch it has reached, the running sums of the current epoch, the
/// metrics of finished epochs and the best epoch on validation so far. Saved in every checkpoint.
public struct TrainingState: Codable, Sendable, Equatable {
    public var configuration: TrainingConfiguration
    /// The current epoch (0-based); equals `configuration.epochs` once training is over.
    public var epoch: Int = 0
    /// Batches of the current epoch already done.
    public var batch: Int = 0
    public var lossSum: Double = 0
    public var correct: Int = 0
    public var seen: Int = 0
    public var seconds: Double = 0
    public var history: [EpochMetrics] = []
    /// The epoch (1-based) whose weights scored best on validation, and that score.
    public var bestEpoch: Int?
    public var bestValidationAccuracy: Double?
    public var trainingCount: Int
    public var validationCount: Int
}

/// A snapshot of training progress for a progress line.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    /// Mean loss and accuracy over the epoch so far.
    public var loss: Double
    public var accuracy: Double
    public var imagesPerSecond: Double
    /// Estimated seconds until the last epoch ends.
    public var remainingSeconds: Double
}

/// Trains a `TrainableModel` on labelled images: shuffled mini-batches, optional augmentation, an
/// evaluation on the validation images after every epoch that keeps the best weights. Everything random
/// (initial weights, order, augmentation, dropout) comes from the configuration's seed, epoch and position,
/// so the same configuration gives the same weights on any number of cores, and a run resumed from a
/// checkpoint ends exactly where an uninterrupted one does.
public final class Trainer {
    public let model: TrainableModel
    public private(set) var state: TrainingState
    public let training: LabelledImages
    public let validation: LabelledImages
    /// Distorts each training image as it goes into a batch (the configuration's augmentation).
    public let augmenter: (any ImageAugmentation)?
    /// The flat parameters of the best epoch on validation.
    public private(set) var bestParameters: [Float]?

    /// `augmenter` carries out `configuration.augmentation` and must be given exactly when it is set;
    /// `startingModel`, whose weights the run starts from, exactly when `configuration.startingModel` is.
    public init(name: String, configuration: TrainingConfiguration, training: LabelledImages,
                validation: LabelledImages, augmenter: (any ImageAugmentation)? = nil,
                startingModel: SequentialModel? = nil) throws(ModelError) {
        try configuration.validate()
        guard augmenter?.settings == configuration.augmentation else {
            throw .invalidParameter("the augmenter (\(augmenter?.settings.summary ?? "none")) does not match the "
                                    + "configuration's augmentation (\(configuration.augmentation?.summary ?? "none"))")
        }
        guard (startingModel == nil) == (configuration.startingModel == nil) else {
            throw .invalidParameter("a starting model must be given exactly when the configuration names one")
        }
        guard training.count > 0 else { throw .badInput("no training images") }
        guard training.height == validation.height, training.width == validation.width else {
            throw .badInput("training and validation images differ in size")
        }
        let input = InputSpec(height: training.height, width: training.width)
        model = try TrainableModel(name: name, input: input, specs: configuration.layers,
                                   maxBatch: configuration.batchSize, optimizer: configuration.optimizer,
                                   seed: configuration.seed)
        if let startingModel { try model.load(weightsOf: startingModel) }
        guard model.classes >= Int(training.labels.max() ?? 0) + 1 else {
            throw .badInput("labels go up to \(training.labels.max() ?? 0) but the model has \(model.classes) classes")
        }
        state = TrainingState(configuration: configuration, trainingCount: training.count,
                              validationCount: validation.count)
        self.training = training
        self.validation = validation
        self.augmenter = augmenter
    }

    public var isFinished: Bool { state.epoch >= state.configuration.epochs }
    public var batchesPerEpoch: Int { (training.count + state.configuration.batchSize - 1) / state.configuration.batchSize }

    /// Continues from a checkpoint of the same configuration and data sizes. Only the number of epochs may
    /// differ (to extend a run, or to end it after the epochs already done).
    public func restore(_ checkpoint: TrainingCheckpoint) throws(ModelError) {
        var saved = checkpoint.state.configuration
        saved.epochs = state.configuration.epochs
        guard saved == state.configuration else {
            throw .badInput("the checkpoint was made with other settings (\(checkpoint.state.configuration.architecture), "
                            + "\(checkpoint.state.configuration.epochs) epochs, seed \(checkpoint.state.configuration.seed))")
        }
        guard checkpoint.state.trainingCount == training.count, checkpoint.state.validationCount == validation.count else {
            throw .badInput("the checkpoint was made on \(checkpoint.state.trainingCount)+\(checkpoint.state.validationCount) images, not \(training.count)+\(validation.count)")
        }
        guard checkpoint.parameters.count == model.parameterCount,
              checkpoint.optimizerValues.count == model.optimizer.state.count,
              checkpoint.bestParameters.map({ $0.count == model.parameterCount }) ?? true else {
            throw .shapeMismatch("the checkpoint's tensors do not fit the architecture")
        }
        guard checkpoint.state.epoch <= state.configuration.epochs else {
            throw .badInput("the checkpoint has already trained \(checkpoint.state.epoch) epochs, more than \(state.configuration.epochs)")
        }
        model.parameterValues = checkpoint.parameters
        model.optimizerState = (checkpoint.optimizerSteps, checkpoint.optimizerValues)
        bestParameters = checkpoint.bestParameters
        let epochs = state.configuration.epochs
        state = checkpoint.state
        state.configuration.epochs = epochs
    }

    /// The state to save now.
    public func checkpoint() -> TrainingCheckpoint {
        TrainingCheckpoint(state: state, parameters: model.parameterValues, optimizerSteps: model.optimizerState.steps,
                           optimizerValues: model.optimizerState.values, bestParameters: bestParameters)
    }

    /// The order of the training images in `epoch`.
    func order(epoch: Int) -> [Int] {
        var order = Array(0..<training.count)
        var random = SeededRandom(seed: state.configuration.seed, stream: UInt64(epoch), purpose: 2)
        order.shuffle(using: &random)
        return order
    }

    /// Trains until the current epoch ends (returns its metrics, validation included) or `shouldStop()`
    /// says so after a batch (returns nil; the state then points at the next batch).
    public func runEpoch(progress: (TrainingProgress) -> Void = { _ in },
                         shouldStop: () -> Bool = { false }) -> EpochMetrics? {
        guard !isFinished else { return nil }
        let configuration = state.configuration
        let epoch = state.epoch, batchSize = configuration.batchSize
        let order = self.order(epoch: epoch)
        let rate = configuration.learningRate(atEpoch: epoch)
        let batches = batchesPerEpoch
        let training = self.training, seed = configuration.seed, augmenter = self.augmenter
        var clock = DispatchTime.now().uptimeNanoseconds
        while state.batch < batches {
            let first = state.batch * batchSize
            let indices = Array(order[first..<min(training.count, first + batchSize)])
            let labels = indices.map { Int(training.labels[$0]) }
            let result = model.trainStep(batch: indices.count, labels: labels, learningRate: rate) { target in
                let target = FloatBuffer(base: target, count: indices.count * training.imageSize)
                FixedChunks.run(items: indices.count, chunks: FixedChunks.spread,
                                work: indices.count * training.imageSize * 40) { _, range in
                    for slot in range {
                        let destination = target.base + slot * training.imageSize
                        let index = indices[slot]
                        if let augmenter {
                            training.pixels.withUnsafeBufferPointer { pixels in
                                augmenter.augment(pixels.baseAddress! + index * training.imageSize,
                                                     height: training.height, width: training.width,
                                                     into: destination,
                                                     seed: Trainer.imageSeed(seed, epoch: epoch, index: index))
                            }
                        } else {
                            training.writeUnit(index, into: destination)
                        }
                    }
                }
            }
            state.batch += 1
            state.lossSum += result.loss
            state.correct += result.correct
            state.seen += indices.count
            let now = DispatchTime.now().uptimeNanoseconds
            state.seconds += Double(now - clock) / 1e9
            clock = now
            let speed = Double(state.seen) / max(state.seconds, 1e-9)
            let remainingImages = Double(training.count - state.seen)
                + Double(configuration.epochs - epoch - 1) * Double(training.count)
            progress(TrainingProgress(epoch: epoch + 1, epochs: configuration.epochs, batch: state.batch,
                                      batches: batches, loss: state.lossSum / Double(state.seen),
                                      accuracy: Double(state.correct) / Double(state.seen), imagesPerSecond: speed,
                                      remainingSeconds: remainingImages / speed))
            if state.batch < batches && shouldStop() { return nil }
        }
        let trainingSeconds = state.seconds
        let (validationAccuracy, validationLoss) = validation.count > 0 ? evaluate(validation) : (nil, nil)
        let metrics = EpochMetrics(epoch: epoch + 1, loss: state.lossSum / Double(max(1, state.seen)),
                                   accuracy: Double(state.correct) / Double(max(1, state.seen)),
                                   validationLoss: validationLoss, validationAccuracy: validationAccuracy,
                                   learningRate: rate, seconds: trainingSeconds,
                                   imagesPerSecond: Double(state.seen) / max(trainingSeconds, 1e-9))
        // Without validation images the last epoch is the one kept.
        if validationAccuracy == nil || validationAccuracy! > (state.bestValidationAccuracy ?? -1) {
            state.bestValidationAccuracy = validationAccuracy
            state.bestEpoch = epoch + 1
            bestParameters = model.parameterValues
        }
        state.history.append(metrics)
        state.epoch += 1
        state.batch = 0
        state.lossSum = 0
        state.correct = 0
        state.seen = 0
        state.seconds = 0
        return metrics
    }

    /// The seed of image `index`'s distortion in `epoch`.
    static func imageSeed(_ seed: UInt64, epoch: Int, index: Int) -> UInt64 {
        SeededRandom.mix(seed ^ SeededRandom.mix(UInt64(epoch) << 32 | UInt64(index)) &+ 0x5EED)
    }

    /// Accuracy and mean loss of the current weights on `images` (inference mode: no dropout, running
    /// batch-norm statistics).
    public func evaluate(_ images: LabelledImages, topDigit: Bool = false) -> (accuracy: Double, loss: Double) {
        TrainableModel.evaluate(model, images, topDigit: topDigit)
    }

    /// The model to save: the best epoch's weights (the current ones if no epoch has finished).
    public func finalModel(provenance: ModelProvenance) throws(ModelError) -> SequentialModel {
        try model.makeModel(provenance: provenance, values: bestParameters)
    }

    /// Accuracy and loss of the best weights on `images` (e.g. the test set, reported only).
    public func evaluateBest(_ images: LabelledImages) -> (accuracy: Double, loss: Double) {
        guard let bestParameters else { return evaluate(images) }
        let current = model.parameterValues
        model.parameterValues = bestParameters
        defer { model.parameterValues = current }
        return evaluate(images)
    }
}

extension TrainableModel {
    /// Accuracy and mean cross-entropy of `model` on `images`, in batches of its maximum batch size. With
    /// `topDigit`, an image counts as right when the most likely of the ten digits is its label, as the reader
    /// labels it (for a model with a "not a digit" output, whether a digit is rejected is the calibration's call).
    static func evaluate(_ model: TrainableModel, _ images: LabelledImages,
                         topDigit: Bool = false) -> (accuracy: Double, loss: Double) {
        guard images.count > 0 else { return (0, 0) }
        var correct = 0, loss = 0.0
        var first = 0
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: model.maxBatch)
        defer { labels.deallocate() }
        while first < images.count {
            let count = min(model.maxBatch, images.count - first)
            for slot in 0..<count { labels[slot] = Int32(images.labels[first + slot]) }
            let start = first
            let result = model.infer(batch: count, fill: { target in
                for slot in 0..<count { images.writeUnit(start + slot, into: target + slot * images.imageSize) }
            }) { logits in
                var result = SoftmaxCrossEntropy.evaluate(logits: logits.baseAddress!, labels: labels, batch: count,
                                                          classes: model.classes, gradient: nil)
                if topDigit {
                    result.correct = (0..<count).count { slot in
                        let row = logits.baseAddress! + slot * model.classes
                        let digit = (0..<min(10, model.classes)).max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }
                        return digit == Int(labels[slot])
                    }
                }
                return result
            }
            correct += result.correct
            loss += result.loss
            first += count
        }
        return (Double(correct) / Double(images.count), loss / Double(images.count))
    }
}
