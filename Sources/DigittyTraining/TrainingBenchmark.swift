import DigittyEngine
/// Training throughput as `digitty train` achieves it, for `digitty bench`: a `Trainer` (shuffling,
/// augmentation, forward, backward, optimizer) run over real or synthetic images.
public enum TrainingBenchmark {
    /// Images per second of training (validation excluded) over `steps` batches of `batchSize` images,
    /// after one warm-up pass, with Adam 1e-3 and `augmenter` (the original project's setup uses a random
    /// rotation of ±6° and shifts of ±10%). `images` are used from the start (cycled as needed); without
    /// them, synthetic MNIST-like strokes stand in.
    public static func imagesPerSecond(
        architecture: Architecture = .simple, batchSize: Int = 32, steps: Int = 200,
        images: LabelledImages? = nil,
        augmenter: (any ImageAugmentation)?, seed: UInt64 = 1
    ) throws(ModelError) -> Double {
        guard steps > 0, batchSize > 0 else { throw .invalidParameter("steps and batch size must be positive") }
        let source: LabelledImages
        if let images { source = images } else { source = try syntheticImages(count: 1024, seed: seed) }
        guard source.count > 0 else { throw .badInput("no images to train on") }
        let count = steps * batchSize
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        pixels.reserveCapacity(count * source.imageSize)
        while labels.count < count {
            let take = min(source.count, count - labels.count)
            pixels += source.pixels[0..<take * source.imageSize]
            labels += source.labels[0..<take]
        }
        let training = try LabelledImages(pixels: pixels, labels: labels, height: source.height, width: source.width)
        let empty = try LabelledImages(pixels: [], labels: [], height: source.height, width: source.width)
        let configuration = TrainingConfiguration(architecture: architecture, epochs: 2, batchSize: batchSize,
                                                  seed: seed, augmentation: augmenter?.settings)
        let trainer = try Trainer(name: architecture.rawValue, configuration: configuration, training: training,
                                  validation: empty, augmenter: augmenter)
        _ = trainer.runEpoch()  // warm-up: caches, pages, thread pool
        guard let measured = trainer.runEpoch() else { throw .badInput("training stopped early") }
        return measured.imagesPerSecond
    }

    /// `count` 28×28 images of thick random strokes around the centre (about a fifth of the pixels lit).
    static func syntheticImages(count: Int, seed: UInt64) throws(ModelError) -> LabelledImages {
        var generator = SeededRandom(seed: seed)
        var pixels = [UInt8](repeating: 0, count: count * 784)
        for image in 0..<count {
            for _ in 0..<6 {
                let centreX = 8 + Int(generator.next() % 12), centreY = 6 + Int(generator.next() % 16)
                for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 5 {
                    pixels[image * 784 + (centreY + dy) * 28 + centreX + dx] = UInt8(128 + generator.next() % 128)
                } }
            }
        }
        return try LabelledImages(pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) })
    }
}
