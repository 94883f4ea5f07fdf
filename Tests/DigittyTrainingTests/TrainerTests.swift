@testable import DigittyTraining
import Foundation
import Testing
@testable import DigittyEngine

/// Training end to end on a small synthetic problem: 12×12 images of one of four bars (horizontal, vertical
/// and the two diagonals) at random positions with noise.
@Suite struct TrainerTests {
    static func bars(count: Int, seed: UInt64) -> LabelledImages {
        var random = SeededRandom(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * 144), labels: [UInt8] = []
        for image in 0..<count {
            let label = Int(random.next() % 4)
            let offset = Int(random.next() % 6) + 3
            for step in 0..<8 {
                let (x, y): (Int, Int) = switch label {
                case 0: (2 + step, offset)
                case 1: (offset, 2 + step)
                case 2: (2 + step, 2 + step)
                default: (9 - step, 2 + step)
                }
                pixels[image * 144 + y * 12 + x] = 200 + UInt8(random.next() % 56)
            }
            for _ in 0..<6 { pixels[image * 144 + Int(random.next() % 144)] = UInt8(random.next() % 120) }
            labels.append(UInt8(label))
        }
        return try! LabelledImages(pixels: pixels, labels: labels, height: 12, width: 12)
    }

    static let layers: [LayerSpec] = [.conv2D(filters: 8, kernelSize: 3), .batchNorm(), .relu, .maxPool2D(), .flatten,
                                      .dense(units: 16), .relu, .dropout(rate: 0.2), .dense(units: 4), .softmax]

    static let augmenter = ShiftAugmentation(shift: 0.1)

    static func configuration(epochs: Int = 3, seed: UInt64 = 5, optimizer: OptimizerKind = .adam()) -> TrainingConfiguration {
        TrainingConfiguration(architecture: "bars", layers: layers, epochs: epochs, batchSize: 16, learningRate: 3e-3,
                              optimizer: optimizer, seed: seed, augmentation: augmenter.settings)
    }

    static func trainer(_ configuration: TrainingConfiguration) throws -> Trainer {
        try Trainer(name: "bars", configuration: configuration, training: bars(count: 400, seed: 1),
                    validation: bars(count: 100, seed: 2), augmenter: augmenter)
    }

    @Test(arguments: [OptimizerKind.adam(), .sgd(momentum: 0.9)])
    func lossFallsAndAccuracyRises(_ optimizer: OptimizerKind) throws {
        let trainer = try Self.trainer(Self.configuration(epochs: 4, optimizer: optimizer))
        let before = trainer.evaluate(trainer.validation)
        var history: [EpochMetrics] = []
        while let metrics = trainer.runEpoch() { history.append(metrics) }
        #expect(history.count == 4)
        #expect(history.last!.loss < history.first!.loss)
        #expect(history.last!.loss < before.loss / 3)
        #expect((history.last!.validationAccuracy ?? 0) > 0.9, "validation accuracy \(history.last!.validationAccuracy ?? 0)")
        #expect(before.accuracy < 0.5)
    }

    @Test func sameSeedGivesIdenticalWeights() throws {
        let first = try Self.trainer(Self.configuration(epochs: 2))
        let second = try Self.trainer(Self.configuration(epochs: 2))
        while first.runEpoch() != nil {}
        while second.runEpoch() != nil {}
        #expect(first.model.parameterValues == second.model.parameterValues)
        #expect(first.state == second.state || first.state.history.map(\.loss) == second.state.history.map(\.loss))
        let other = try Self.trainer(Self.configuration(epochs: 2, seed: 6))
        while other.runEpoch() != nil {}
        #expect(other.model.parameterValues != first.model.parameterValues)
    }

    @Test func resumingFromACheckpointEndsWithTheSameWeights() throws {
        let configuration = Self.configuration(epochs: 3)
        let uninterrupted = try Self.trainer(configuration)
        while uninterrupted.runEpoch() != nil {}

        // Stop in the middle of epoch 2, checkpoint through a file, continue in a fresh trainer.
        let interrupted = try Self.trainer(configuration)
        _ = interrupted.runEpoch()
        var batches = 0
        #expect(interrupted.runEpoch(shouldStop: { batches += 1; return batches == 7 }) == nil)
        #expect(interrupted.state.batch == 7)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-resume-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try interrupted.checkpoint().save(to: url)
        let resumed = try Self.trainer(configuration)
        try resumed.restore(try TrainingCheckpoint.load(contentsOf: url))
        while resumed.runEpoch() != nil {}
        #expect(resumed.model.parameterValues == uninterrupted.model.parameterValues)
        #expect(resumed.bestParameters == uninterrupted.bestParameters)
        #expect(resumed.state.history.map(\.validationAccuracy) == uninterrupted.state.history.map(\.validationAccuracy))
    }

    @Test func checkpointRejectsOtherSettingsAndGarbage() throws {
        let trainer = try Self.trainer(Self.configuration(epochs: 1))
        let other = try Self.trainer(Self.configuration(epochs: 1, seed: 9))
        #expect(throws: ModelError.self) { try other.restore(trainer.checkpoint()) }
        var bytes = trainer.checkpoint().encode()
        #expect(try TrainingCheckpoint.decode(bytes) == trainer.checkpoint())
        bytes.removeLast(100)
        #expect(throws: ModelFileError.self) { try TrainingCheckpoint.decode(bytes) }
        #expect(throws: ModelFileError.self) { try TrainingCheckpoint.decode(Array("not a checkpoint".utf8)) }
    }

    @Test func savedModelPredictsLikeTheTrainer() throws {
        let trainer = try Self.trainer(Self.configuration(epochs: 2))
        while trainer.runEpoch() != nil {}
        let model = try trainer.finalModel(provenance: ModelProvenance(epochs: 2))
        let reloaded = try ModelFile.decode(ModelFile.encode(model), name: "bars")
        let images = trainer.validation
        let pixels = images.pixels.map { Float($0) / 255 }
        let probabilities = try reloaded.probabilities(for: Tensor(shape: [images.count, 12, 12, 1], scalars: pixels))
        var correct = 0
        for index in 0..<images.count {
            let row = probabilities.scalars[index * 4..<index * 4 + 4]
            if row.firstIndex(of: row.max()!)! - index * 4 == Int(images.labels[index]) { correct += 1 }
        }
        let expected = trainer.evaluateBest(images).accuracy
        #expect(abs(Double(correct) / Double(images.count) - expected) < 0.011)
    }

    @Test func invalidConfigurationsAreRejected() {
        var configuration = Self.configuration()
        configuration.batchSize = 0
        #expect(throws: ModelError.self) { try configuration.validate() }
        configuration = Self.configuration()
        configuration.learningRate = .nan
        #expect(throws: ModelError.self) { try configuration.validate() }
        configuration = Self.configuration()
        configuration.layers = [.flatten, .dense(units: 1)]
        #expect(throws: ModelError.self) { _ = try Self.trainer(configuration) }
        configuration = Self.configuration()
        configuration.augmentation?.rotation = 400
        #expect(throws: ModelError.self) { try configuration.validate() }
    }

    @Test func theAugmenterMustCarryOutTheConfiguredAugmentation() throws {
        let images = Self.bars(count: 20, seed: 1)
        var configuration = Self.configuration()
        #expect(throws: ModelError.self) {
            _ = try Trainer(name: "bars", configuration: configuration, training: images, validation: images)
        }
        configuration.augmentation = nil
        #expect(throws: ModelError.self) {
            _ = try Trainer(name: "bars", configuration: configuration, training: images, validation: images,
                            augmenter: Self.augmenter)
        }
        _ = try Trainer(name: "bars", configuration: configuration, training: images, validation: images)
    }
}

extension TrainerTests {
    @Test func aRunCanBeEndedEarlyOrExtendedFromItsCheckpoint() throws {
        let short = try Self.trainer(Self.configuration(epochs: 1))
        while short.runEpoch() != nil {}
        let long = try Self.trainer(Self.configuration(epochs: 3))
        _ = long.runEpoch()
        // Ending a 3-epoch run after its first epoch gives the 1-epoch run.
        let ended = try Self.trainer(Self.configuration(epochs: 1))
        try ended.restore(long.checkpoint())
        #expect(ended.isFinished)
        #expect(ended.bestParameters == short.bestParameters)
        // Fewer epochs than already trained is refused.
        let two = try Self.trainer(Self.configuration(epochs: 2))
        while two.runEpoch() != nil {}
        #expect(throws: ModelError.self) { try Self.trainer(Self.configuration(epochs: 1)).restore(two.checkpoint()) }
    }
}

extension TrainerTests {
    @Test func aRunCanStartFromAnotherModelsWeights() throws {
        let first = try Self.trainer(Self.configuration(epochs: 2))
        while first.runEpoch() != nil {}
        let model = try first.finalModel(provenance: ModelProvenance(epochs: 2))
        var configuration = Self.configuration(epochs: 1, seed: 9)
        configuration.startingModel = "checksum of the file"
        let images = Self.bars(count: 400, seed: 1), validation = Self.bars(count: 100, seed: 2)
        let fineTuning = try Trainer(name: "bars", configuration: configuration, training: images,
                                     validation: validation, augmenter: Self.augmenter, startingModel: model)
        #expect(fineTuning.evaluate(validation) == first.evaluateBest(validation))
        let fresh = try Self.trainer(Self.configuration(epochs: 1, seed: 9))
        #expect(fresh.model.parameterValues != fineTuning.model.parameterValues)

        // The configuration says whether there is a starting model; it must agree.
        #expect(throws: ModelError.self) {
            _ = try Trainer(name: "bars", configuration: Self.configuration(), training: images, validation: validation,
                            augmenter: Self.augmenter, startingModel: model)
        }
        #expect(throws: ModelError.self) {
            _ = try Trainer(name: "bars", configuration: configuration, training: images, validation: validation,
                            augmenter: Self.augmenter)
        }
        var other = configuration
        other.layers = [.flatten, .dense(units: 4), .softmax]
        #expect(throws: ModelError.self) {
            _ = try Trainer(name: "bars", configuration: other, training: images, validation: validation,
                            augmenter: Self.augmenter, startingModel: model)
        }
    }
}
