import DigittyEngine

/// What MLflow shows for a digitty model: hyper-parameters as params, and architecture, augmentation, data and
/// data checksums as tags, all read from the model's provenance and layers.
public struct RunDescription: Sendable, Equatable {
    public var params: [String: String]
    public var tags: [String: String]

    /// The params and tags of `model` as its provenance and architecture describe it.
    public init(model: SequentialModel) {
        let provenance = model.provenance
        var params: [String: String] = ["parameters": String(model.parameterCount)]
        params["epochs"] = provenance.epochs.map(String.init)
        params["batch_size"] = provenance.batchSize.map(String.init)
        params["learning_rate"] = provenance.learningRate.map { String($0) }
        params["optimizer"] = provenance.optimizer
        params["seed"] = provenance.seed.map(String.init)
        var tags: [String: String] = ["architecture": model.specs.map(\.summary).joined(separator: " → ")]
        tags["augmentation"] = provenance.augmentation
        tags["dataset"] = provenance.dataset
        tags["trained_with"] = provenance.trainedWith
        for (file, checksum) in provenance.dataChecksums ?? [:] { tags["data_sha256." + file] = checksum }
        self.params = params
        self.tags = tags
    }
}
