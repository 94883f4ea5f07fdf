import DigittyEngine
import DigittyTraining

/// What MLflow shows for a digitty training run: its hyper-parameters as params; its architecture, augmentation,
/// data and data checksums as tags; and, epoch by epoch, its metrics.
public struct RunDescription: Sendable, Equatable {
    public var params: [String: String]
    public var tags: [String: String]

    /// The params and tags of a run of `configuration` on `dataset` (a one-line summary of the data), whose
    /// files have the SHA-256 `checksums` (file name → hex), with `imageCounts` (e.g. `training_images`) as params.
    public init(configuration: TrainingConfiguration, dataset: String, checksums: [String: String] = [:],
                imageCounts: [String: Int] = [:]) {
        let augmentation = configuration.augmentation ?? .none
        var params: [String: String] = [
            "architecture": configuration.architecture,
            "epochs": String(configuration.epochs),
            "batch_size": String(configuration.batchSize),
            "learning_rate": String(configuration.learningRate),
            "learning_rate_decay": String(configuration.learningRateDecay),
            "seed": String(configuration.seed),
            "rotation": String(augmentation.rotation),
            "width_shift": String(augmentation.widthShift),
            "height_shift": String(augmentation.heightShift),
            "zoom": String(augmentation.zoom),
            "elastic_alpha": String(augmentation.elasticAlpha),
            "elastic_sigma": String(augmentation.elasticSigma),
            "pen_redraw": String(augmentation.penRedraw),
        ]
        if let start = configuration.startingModel { params["starting_model_sha256"] = start }
        switch configuration.optimizer {
        case let .adam(beta1, beta2, epsilon):
            params["optimizer"] = "adam"
            params["adam_beta1"] = String(beta1)
            params["adam_beta2"] = String(beta2)
            params["adam_epsilon"] = String(epsilon)
        case let .sgd(momentum):
            params["optimizer"] = "sgd"
            params["momentum"] = String(momentum)
        }
        for (key, count) in imageCounts { params[key] = String(count) }
        var tags = [
            "architecture": configuration.layers.map(\.summary).joined(separator: " → "),
            "augmentation": configuration.augmentation?.summary ?? "none",
            "dataset": dataset,
        ]
        for (file, checksum) in checksums { tags["data_sha256." + file] = checksum }
        self.params = params
        self.tags = tags
    }

    /// One epoch's metrics under their MLflow names (validation ones only when there was a validation set).
    public static func metrics(of epoch: EpochMetrics) -> [String: Double] {
        var metrics = ["loss": epoch.loss, "accuracy": epoch.accuracy, "learning_rate": epoch.learningRate,
                       "epoch_seconds": epoch.seconds, "images_per_second": epoch.imagesPerSecond]
        metrics["val_loss"] = epoch.validationLoss
        metrics["val_accuracy"] = epoch.validationAccuracy
        return metrics
    }
}
