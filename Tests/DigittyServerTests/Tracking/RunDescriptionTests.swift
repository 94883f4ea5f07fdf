@testable import DigittyEngine
import DigittyTracking
@testable import DigittyTraining
import Testing

@Suite("What an MLflow run records about a training run")
struct RunDescriptionTests {
    @Test("params are the hyper-parameters and augmentation; tags the layers, augmentation, data and checksums")
    func fromConfiguration() {
        let configuration = TrainingConfiguration(architecture: .simple, epochs: 2, batchSize: 16, learningRate: 0.002,
                                                  seed: 7, augmentation: AugmentationSettings(rotation: 6, zoom: 0.05))
        let description = RunDescription(configuration: configuration, dataset: "MNIST train, 100 images",
                                         checksums: ["train-images-idx3-ubyte": "abc"], imageCounts: ["training_images": 100])
        #expect(description.params == [
            "architecture": "simple", "epochs": "2", "batch_size": "16", "learning_rate": "0.002",
            "learning_rate_decay": "1.0", "seed": "7", "rotation": "6.0", "width_shift": "0.1", "height_shift": "0.1", "zoom": "0.05",
            "elastic_alpha": "0.0", "elastic_sigma": "4.0", "pen_redraw": "0.0",
            "optimizer": "adam", "adam_beta1": "0.9", "adam_beta2": "0.999", "adam_epsilon": "1e-07", "training_images": "100",
        ])
        #expect(description.tags["architecture"] == Architecture.simple.summary)
        #expect(description.tags["augmentation"] == configuration.augmentation?.summary)
        #expect(description.tags["dataset"] == "MNIST train, 100 images")
        #expect(description.tags["data_sha256.train-images-idx3-ubyte"] == "abc")
    }

    @Test("a fine-tuning run logs its share of pen-redrawn images and the checksum of the model it starts from")
    func fineTuning() {
        let configuration = TrainingConfiguration(architecture: .conv3bn, augmentation: AugmentationSettings(penRedraw: 0.3),
                                                  startingModel: "0123abcd")
        let description = RunDescription(configuration: configuration, dataset: "d")
        #expect(description.params["pen_redraw"] == String(Float(0.3)))
        #expect(description.params["starting_model_sha256"] == "0123abcd")
        #expect(RunDescription(configuration: TrainingConfiguration(architecture: .deep), dataset: "d")
                    .params["starting_model_sha256"] == nil)
    }

    @Test("no augmentation is logged as zeros and 'none'; SGD logs its momentum")
    func plain() {
        let configuration = TrainingConfiguration(architecture: .deep, optimizer: .sgd(momentum: 0.5), augmentation: nil)
        let description = RunDescription(configuration: configuration, dataset: "d")
        #expect(description.params["rotation"] == "0.0" && description.params["elastic_alpha"] == "0.0")
        #expect(description.params["optimizer"] == "sgd" && description.params["momentum"] == "0.5")
        #expect(description.params["adam_beta1"] == nil)
        #expect(description.tags["augmentation"] == "none")
    }

    @Test("an epoch's metrics keep their MLflow names; validation ones only with a validation set")
    func epochMetrics() {
        var epoch = EpochMetrics(epoch: 3, loss: 0.5, accuracy: 0.8, validationLoss: 0.6, validationAccuracy: 0.75,
                                 learningRate: 0.001, seconds: 2, imagesPerSecond: 500)
        #expect(RunDescription.metrics(of: epoch) == ["loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.75,
                                                      "learning_rate": 0.001, "epoch_seconds": 2, "images_per_second": 500])
        epoch.validationLoss = nil
        epoch.validationAccuracy = nil
        #expect(Set(RunDescription.metrics(of: epoch).keys) == ["loss", "accuracy", "learning_rate", "epoch_seconds", "images_per_second"])
    }
}
