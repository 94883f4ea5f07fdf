/// What a tuning run did, recorded in the personal model's provenance (`tuning`).
public struct TuningRecord: Codable, Sendable, Equatable {
    public var baseModel: String
    /// The SHA-256 of the base model's file, when it came from one.
    public var baseModelSHA256: String?
    public var drawings: Int
    /// The drawings' checksum (`DrawingStore`): the same drawings give the same one.
    public var drawingsSHA256: String
    /// Images trained on for the drawings (their variations), and MNIST digits replayed, per epoch.
    public var drawingImages: Int
    public var replayImages: Int
    public var validationImages: Int
    /// MNIST validation accuracy (0…1) of the base model and of the model kept (or the closest refused).
    public var validationAccuracyBefore: Double
    public var validationAccuracyAfter: Double
    /// Share of the drawings read as taught, before and after.
    public var drawingAccuracyBefore: Double
    public var drawingAccuracyAfter: Double
    public var maximumDrop: Double
    public var epochs: Int
    /// The epoch whose weights were kept; nil when refused.
    public var epochKept: Int?
    public var seconds: Double

    public init(baseModel: String, baseModelSHA256: String?, drawings: Int, drawingsSHA256: String, drawingImages: Int,
                replayImages: Int, validationImages: Int, validationAccuracyBefore: Double,
                validationAccuracyAfter: Double, drawingAccuracyBefore: Double, drawingAccuracyAfter: Double,
                maximumDrop: Double, epochs: Int, epochKept: Int?, seconds: Double) {
        self.baseModel = baseModel
        self.baseModelSHA256 = baseModelSHA256
        self.drawings = drawings
        self.drawingsSHA256 = drawingsSHA256
        self.drawingImages = drawingImages
        self.replayImages = replayImages
        self.validationImages = validationImages
        self.validationAccuracyBefore = validationAccuracyBefore
        self.validationAccuracyAfter = validationAccuracyAfter
        self.drawingAccuracyBefore = drawingAccuracyBefore
        self.drawingAccuracyAfter = drawingAccuracyAfter
        self.maximumDrop = maximumDrop
        self.epochs = epochs
        self.epochKept = epochKept
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case baseModel = "base_model", baseModelSHA256 = "base_model_sha256", drawings, drawingsSHA256 = "drawings_sha256"
        case drawingImages = "drawing_images", replayImages = "replay_images", validationImages = "validation_images"
        case validationAccuracyBefore = "validation_accuracy_before", validationAccuracyAfter = "validation_accuracy_after"
        case drawingAccuracyBefore = "drawing_accuracy_before", drawingAccuracyAfter = "drawing_accuracy_after"
        case maximumDrop = "maximum_drop", epochs, epochKept = "epoch_kept", seconds
    }

    /// Whether a validation accuracy is within the guard (half an image of slack for rounding).
    package func withinGuard(_ accuracy: Double) -> Bool {
        accuracy >= validationAccuracyBefore - maximumDrop - 0.5 / Double(max(1, validationImages))
    }

    /// `MNIST validation 99.54% → 99.50%, drawings 61% → 97% (200 drawings)`.
    public var summary: String {
        func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
        return "MNIST validation \(percent(validationAccuracyBefore)) → \(percent(validationAccuracyAfter)), "
            + "drawings \(percent(drawingAccuracyBefore)) → \(percent(drawingAccuracyAfter)) "
            + "(\(drawings) drawing\(drawings == 1 ? "" : "s"))"
    }
}
