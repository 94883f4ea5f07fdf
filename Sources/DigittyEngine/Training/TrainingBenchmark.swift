import Dispatch

/// Training throughput on synthetic MNIST-like data, for `digitty bench`.
public enum TrainingBenchmark {
    /// Images per second over `steps` optimizer steps (after one warm-up step) of `architecture` with batches
    /// of `batchSize`, on 28×28 images with MNIST's share of ink (about a fifth of the pixels lit).
    public static func imagesPerSecond(architecture: Architecture = .simple, batchSize: Int = 32,
                                       steps: Int = 200, seed: UInt64 = 1) throws(ModelError) -> Double {
        let model = try TrainableModel(name: architecture.rawValue, specs: architecture.layers, maxBatch: batchSize,
                                       seed: seed)
        var generator = SeededRandom(seed: seed)
        let pool = 64
        var images = [Float](repeating: 0, count: pool * 784)
        for image in 0..<pool {
            // A thick random stroke: a few blobs around the centre.
            for _ in 0..<6 {
                let centreX = 8 + Int(generator.next() % 12), centreY = 6 + Int(generator.next() % 16)
                for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 5 {
                    images[image * 784 + (centreY + dy) * 28 + centreX + dx] = 0.5 + generator.nextUnit() / 2
                } }
            }
        }
        let labels = (0..<pool).map { $0 % 10 }
        func step(_ index: Int) {
            let first = (index * batchSize) % (pool - batchSize + 1)
            _ = model.trainStep(batch: batchSize, labels: Array(labels[first..<first + batchSize]), learningRate: 1e-3) {
                target in images.withUnsafeBufferPointer {
                    target.update(from: $0.baseAddress! + first * 784, count: batchSize * 784)
                }
            }
        }
        step(0)
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 1...steps { step(index) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(steps * batchSize) / seconds
    }
}
