import DigittyVision

/// What a model read in the drawing.
public struct Prediction: Sendable, Equatable {
    /// Below this probability the app says it is not sure.
    public static let confidentProbability: Float = 0.6

    /// Ten probabilities, digit 0 first.
    public let probabilities: [Float]
    /// The 28×28 image the model was given (after preprocessing).
    public let input: GrayImage
    /// The model's name.
    public let modelName: String

    public init(probabilities: [Float], input: GrayImage, modelName: String) {
        self.probabilities = probabilities
        self.input = input
        self.modelName = modelName
    }

    /// Digits from most to least likely.
    public var ranking: [Int] { probabilities.indices.sorted { probabilities[$0] > probabilities[$1] } }
    /// The most likely digit.
    public var digit: Int { ranking.first ?? 0 }
    /// Its probability.
    public var confidence: Float { probabilities.isEmpty ? 0 : probabilities[digit] }
    /// Whether the model is unsure (the top probability is low).
    public var isUnsure: Bool { confidence < Prediction.confidentProbability }
}
