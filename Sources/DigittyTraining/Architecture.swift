import DigittyEngine
/// The architectures `digitty train` and `digitty experiment` know by name.
public enum Architecture: String, CaseIterable, Codable, Sendable {
    /// The original project's simple CNN: Conv 32@3×3 → MaxPool → Dense 128 → Dropout 0.1 → Dense 10.
    case simple
    /// The original project's deeper CNN: Conv 32@3×3 → MaxPool → Conv 64@3×3 → MaxPool → Conv 128@3×3 →
    /// MaxPool → Dense 256 → Dropout 0.2 → Dense 10 (as the original Keras code defines it).
    case deep
    /// digitty's default model: three 3×3 convolutions with batch norm (32, 64 and 128 filters) with max
    /// pooling after the first two, Dense 128 with batch norm, dropout 0.4.
    case conv3bn = "conv3-bn"

    /// The layers, ending in softmax.
    public var layers: [LayerSpec] {
        switch self {
        case .simple:
            [.conv2D(filters: 32, kernelSize: 3), .relu, .maxPool2D(), .flatten,
             .dense(units: 128), .relu, .dropout(rate: 0.1), .dense(units: 10), .softmax]
        case .deep:
            [.conv2D(filters: 32, kernelSize: 3), .relu, .maxPool2D(),
             .conv2D(filters: 64, kernelSize: 3), .relu, .maxPool2D(),
             .conv2D(filters: 128, kernelSize: 3), .relu, .maxPool2D(), .flatten,
             .dense(units: 256), .relu, .dropout(rate: 0.2), .dense(units: 10), .softmax]
        case .conv3bn:
            [.conv2D(filters: 32, kernelSize: 3), .batchNorm(), .relu, .maxPool2D(),
             .conv2D(filters: 64, kernelSize: 3), .batchNorm(), .relu, .maxPool2D(),
             .conv2D(filters: 128, kernelSize: 3), .batchNorm(), .relu, .flatten,
             .dense(units: 128), .batchNorm(), .relu, .dropout(rate: 0.4), .dense(units: 10), .softmax]
        }
    }

    /// A one-line description, e.g. for a model card.
    public var summary: String { layers.map(\.summary).joined(separator: " → ") }
}
