/// Where a model came from and how good it is, as recorded in its file.
public struct ModelProvenance: Codable, Sendable, Equatable {
    /// Free text: who or what trained it (e.g. `digitty train 1.0`, `Keras 3.15 via tf2onnx`).
    public var trainedWith: String?
    /// The data set (e.g. `MNIST train, 55,000 images; validation: last 5,000`).
    public var dataset: String?
    /// Augmentation as a short description (e.g. `rotation ±6°, shift ±10%, fill nearest`).
    public var augmentation: String?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Double?
    public var optimizer: String?
    public var seed: UInt64?
    /// Accuracy on the validation split, 0…1.
    public var validationAccuracy: Double?
    /// Accuracy on the MNIST test set, 0…1 (reported, never used to choose).
    public var testAccuracy: Double?
    /// SHA-256 of the data files used, by file name.
    public var dataChecksums: [String: String]?
    /// ISO 8601 date and time of creation.
    public var created: String?
    /// Anything else worth knowing.
    public var notes: String?
    /// For a personal model (`digitty tune`): its base model, the drawings and the before/after figures.
    public var tuning: TuningRecord?

    public init(trainedWith: String? = nil, dataset: String? = nil, augmentation: String? = nil, epochs: Int? = nil,
                batchSize: Int? = nil, learningRate: Double? = nil, optimizer: String? = nil, seed: UInt64? = nil,
                validationAccuracy: Double? = nil, testAccuracy: Double? = nil,
                dataChecksums: [String: String]? = nil, created: String? = nil, notes: String? = nil,
                tuning: TuningRecord? = nil) {
        self.trainedWith = trainedWith
        self.dataset = dataset
        self.augmentation = augmentation
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.dataChecksums = dataChecksums
        self.created = created
        self.notes = notes
        self.tuning = tuning
    }

    enum CodingKeys: String, CodingKey {
        case trainedWith = "trained_with", dataset, augmentation, epochs, batchSize = "batch_size"
        case learningRate = "learning_rate", optimizer, seed, validationAccuracy = "validation_accuracy"
        case testAccuracy = "test_accuracy", dataChecksums = "data_sha256", created, notes, tuning
    }
}
