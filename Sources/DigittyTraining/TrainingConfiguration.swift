import DigittyEngine
/// Everything that determines a training run's result: with the same configuration and data, the same
/// weights come out, bit for bit.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// A name for the architecture (e.g. `simple`), and its layers.
    public var architecture: String
    public var layers: [LayerSpec]
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    /// The learning rate is multiplied by this after every epoch (1 keeps it constant).
    public var learningRateDecay: Double
    public var optimizer: OptimizerKind
    public var seed: UInt64
    /// The distortions applied to training images (nil: none).
    public var augmentation: AugmentationSettings?
    /// The SHA-256 of the model file whose weights the run starts from, to fine-tune it (nil: fresh weights
    /// drawn from the seed).
    public var startingModel: String?

    public init(architecture: Architecture, epochs: Int = 10, batchSize: Int = 32, learningRate: Double = 1e-3,
                learningRateDecay: Double = 1, optimizer: OptimizerKind = .adam(), seed: UInt64 = 1,
                augmentation: AugmentationSettings? = nil, startingModel: String? = nil) {
        self.init(architecture: architecture.rawValue, layers: architecture.layers, epochs: epochs,
                  batchSize: batchSize, learningRate: learningRate, learningRateDecay: learningRateDecay,
                  optimizer: optimizer, seed: seed, augmentation: augmentation, startingModel: startingModel)
    }

    public init(architecture: String, layers: [LayerSpec], epochs: Int, batchSize: Int, learningRate: Double,
                learningRateDecay: Double = 1, optimizer: OptimizerKind = .adam(), seed: UInt64,
                augmentation: AugmentationSettings?, startingModel: String? = nil) {
        self.architecture = architecture
        self.layers = layers
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
        self.optimizer = optimizer
        self.seed = seed
        self.augmentation = augmentation
        self.startingModel = startingModel
    }

    /// Checks the numbers a user can get wrong.
    public func validate() throws(ModelError) {
        guard epochs >= 1, epochs <= 100_000 else { throw .invalidParameter("epochs must be 1…100000, got \(epochs)") }
        guard batchSize >= 1, batchSize <= 4096 else { throw .invalidParameter("batch size must be 1…4096, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite, learningRate < 100 else {
            throw .invalidParameter("learning rate must be positive and finite, got \(learningRate)")
        }
        guard learningRateDecay > 0, learningRateDecay <= 1 else {
            throw .invalidParameter("learning-rate decay must be in (0, 1], got \(learningRateDecay)")
        }
        if case let .sgd(momentum) = optimizer, !(momentum >= 0 && momentum < 1) {
            throw .invalidParameter("momentum must be in [0, 1), got \(momentum)")
        }
        try augmentation?.validate()
    }

    /// The learning rate during epoch `epoch` (0-based).
    public func learningRate(atEpoch epoch: Int) -> Double {
        (0..<max(0, epoch)).reduce(learningRate) { rate, _ in rate * learningRateDecay }
    }
}

/// What one epoch achieved.
public struct EpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double
    public var seconds: Double
    public var imagesPerSecond: Double
}
