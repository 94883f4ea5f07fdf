/// What the reader made of one image: the verdict, the calibrated probabilities, what the model saw and,
/// when asked for, why. Front ends only format it.
public struct Reading: Sendable, Equatable {
    /// The model that read it.
    public let model: String
    public let verdict: Verdict
    /// Ten calibrated probabilities, digit 0 first, summing to 1 (given that it is a digit); empty when the
    /// verdict is `.empty`.
    public let probabilities: [Float]
    /// The calibrated probability of the model's "not a digit" output, for models that have one.
    public let notADigitProbability: Float?
    /// The image the model was given (after preprocessing), nil when empty.
    public let input: GrayImage?
    /// One signed number per pixel of `input`, row-major: how much that pixel's ink raised (positive) or
    /// lowered (negative) the log-probability of `label`. Nil unless asked for.
    public let saliency: [Float]?

    public init(model: String, verdict: Verdict, probabilities: [Float], notADigitProbability: Float?,
                input: GrayImage?, saliency: [Float]?) {
        self.model = model
        self.verdict = verdict
        self.probabilities = probabilities
        self.notADigitProbability = notADigitProbability
        self.input = input
        self.saliency = saliency
    }

    /// An empty image's reading.
    public static func empty(model: String) -> Reading {
        Reading(model: model, verdict: .empty, probabilities: [], notADigitProbability: nil, input: nil, saliency: nil)
    }

    /// Digits from most to least likely (ties: the smaller digit first).
    public var ranking: [Int] {
        probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
    }
    /// The most likely digit; nil only when empty.
    public var label: Int? { ranking.first }
    /// The second most likely digit.
    public var runnerUp: Int? { ranking.dropFirst().first }
    /// The probability of `label` (0 when empty).
    public var confidence: Float { label.map { probabilities[$0] } ?? 0 }
    /// Whether anything was read.
    public var isEmpty: Bool { verdict == .empty }

    /// The verdict in words: "7", "not sure: 4 or 9", "not a digit", "empty".
    public var summary: String {
        switch verdict {
        case .digit: label.map(String.init) ?? "empty"
        case .unsure: "not sure: \(label ?? 0) or \(runnerUp ?? 0)"
        case .notADigit: "not a digit"
        case .empty: "empty"
        }
    }
}
