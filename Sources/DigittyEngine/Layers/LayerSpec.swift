/// The architecture of one layer: its kind and hyper-parameters, without weights.
///
/// In a model file each layer is a JSON object with a `type` field and the kind's own fields, for example
/// `{"type": "conv2d", "filters": 32, "kernel_size": 3, "stride": 1, "padding": "valid"}`.
public enum LayerSpec: Sendable, Equatable {
    case conv2D(filters: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid)
    case maxPool2D(size: Int = 2, stride: Int? = nil, padding: Padding = .valid)
    case averagePool2D(size: Int = 2, stride: Int? = nil, padding: Padding = .valid)
    case globalAveragePool
    case dense(units: Int)
    case relu
    case leakyReLU(alpha: Float = 0.01)
    case softmax
    case flatten
    case dropout(rate: Float)
    case batchNorm(epsilon: Float = 1e-3)

    /// The `type` name used in model files.
    public var typeName: String {
        switch self {
        case .conv2D: "conv2d"
        case .maxPool2D: "maxpool2d"
        case .averagePool2D: "avgpool2d"
        case .globalAveragePool: "global_avgpool"
        case .dense: "dense"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .softmax: "softmax"
        case .flatten: "flatten"
        case .dropout: "dropout"
        case .batchNorm: "batchnorm"
        }
    }

    /// The same layer with its defaults written out (a pooling stride of nil is the window size), so that
    /// two descriptions of one layer compare equal.
    public var normalized: LayerSpec {
        switch self {
        case let .maxPool2D(size, stride, padding): .maxPool2D(size: size, stride: stride ?? size, padding: padding)
        case let .averagePool2D(size, stride, padding): .averagePool2D(size: size, stride: stride ?? size, padding: padding)
        default: self
        }
    }

    /// A short human description, e.g. `Conv2D(32, 3×3)`.
    public var summary: String {
        switch self {
        case let .conv2D(filters, kernel, stride, padding):
            "Conv2D(\(filters), \(kernel)×\(kernel)\(stride == 1 ? "" : ", stride \(stride)")\(padding == .same ? ", same" : ""))"
        case let .maxPool2D(size, stride, _):
            "MaxPool(\(size)×\(size)\(stride.map { $0 == size ? "" : ", stride \($0)" } ?? ""))"
        case let .averagePool2D(size, stride, _):
            "AvgPool(\(size)×\(size)\(stride.map { $0 == size ? "" : ", stride \($0)" } ?? ""))"
        case .globalAveragePool: "GlobalAvgPool"
        case let .dense(units): "Dense(\(units))"
        case .relu: "ReLU"
        case let .leakyReLU(alpha): "LeakyReLU(\(alpha))"
        case .softmax: "Softmax"
        case .flatten: "Flatten"
        case let .dropout(rate): "Dropout(\(rate))"
        case .batchNorm: "BatchNorm"
        }
    }
}

extension LayerSpec {
    /// The shape of one output sample for one input sample of `inputShape`, or why the description or the
    /// input does not fit. Each kind's check lives in its engine layer's file; the engine's layers (which add
    /// the checks of their weights against the input) and the trainer's layers all call this.
    public func outputShape(for inputShape: [Int]) throws(ModelError) -> [Int] {
        switch self {
        case let .conv2D(filters, kernelSize, stride, padding):
            try Conv2D.outputShape(filters: filters, kernelSize: kernelSize, stride: stride, padding: padding,
                                   input: inputShape)
        case let .maxPool2D(size, stride, padding):
            try PoolingWindow(layer: "MaxPool2D", size: size, stride: stride, padding: padding)
                .outputShape(for: inputShape, layer: "MaxPool2D")
        case let .averagePool2D(size, stride, padding):
            try PoolingWindow(layer: "AveragePool2D", size: size, stride: stride, padding: padding)
                .outputShape(for: inputShape, layer: "AveragePool2D")
        case .globalAveragePool: try GlobalAveragePool.outputShape(input: inputShape)
        case let .dense(units): try Dense.outputShape(units: units, input: inputShape)
        case .relu, .leakyReLU: inputShape
        case .softmax: try Softmax.outputShape(input: inputShape)
        case .flatten: Flatten.outputShape(input: inputShape)
        case let .dropout(rate): try Dropout.outputShape(rate: rate, input: inputShape)
        case let .batchNorm(epsilon): try BatchNorm.outputShape(epsilon: epsilon, input: inputShape)
        }
    }
}

extension LayerSpec: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, filters, kernelSize = "kernel_size", stride, padding, size, units, alpha, rate, epsilon
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func int(_ key: CodingKeys) throws -> Int { try container.decode(Int.self, forKey: key) }
        func optionalInt(_ key: CodingKeys) throws -> Int? { try container.decodeIfPresent(Int.self, forKey: key) }
        func padding() throws -> Padding { try container.decodeIfPresent(Padding.self, forKey: .padding) ?? .valid }
        switch type {
        case "conv2d":
            self = .conv2D(filters: try int(.filters), kernelSize: try int(.kernelSize),
                           stride: try optionalInt(.stride) ?? 1, padding: try padding())
        case "maxpool2d":
            self = .maxPool2D(size: try int(.size), stride: try optionalInt(.stride), padding: try padding())
        case "avgpool2d":
            self = .averagePool2D(size: try int(.size), stride: try optionalInt(.stride), padding: try padding())
        case "global_avgpool": self = .globalAveragePool
        case "dense": self = .dense(units: try int(.units))
        case "relu": self = .relu
        case "leaky_relu": self = .leakyReLU(alpha: try container.decodeIfPresent(Float.self, forKey: .alpha) ?? 0.01)
        case "softmax": self = .softmax
        case "flatten": self = .flatten
        case "dropout": self = .dropout(rate: try container.decode(Float.self, forKey: .rate))
        case "batchnorm":
            self = .batchNorm(epsilon: try container.decodeIfPresent(Float.self, forKey: .epsilon) ?? 1e-3)
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown layer type '\(type)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .conv2D(filters, kernelSize, stride, padding):
            try container.encode(filters, forKey: .filters)
            try container.encode(kernelSize, forKey: .kernelSize)
            try container.encode(stride, forKey: .stride)
            try container.encode(padding, forKey: .padding)
        case let .maxPool2D(size, stride, padding), let .averagePool2D(size, stride, padding):
            try container.encode(size, forKey: .size)
            try container.encodeIfPresent(stride, forKey: .stride)
            try container.encode(padding, forKey: .padding)
        case let .dense(units):
            try container.encode(units, forKey: .units)
        case let .leakyReLU(alpha):
            try container.encode(alpha, forKey: .alpha)
        case let .dropout(rate):
            try container.encode(rate, forKey: .rate)
        case let .batchNorm(epsilon):
            try container.encode(epsilon, forKey: .epsilon)
        case .globalAveragePool, .relu, .softmax, .flatten:
            break
        }
    }
}
