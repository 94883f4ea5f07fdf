/// What a model expects as input, so that callers can hand every model the same 0…1 grey image.
public struct InputSpec: Codable, Sendable, Equatable {
    /// How pixel values in 0…1 are mapped before the first layer.
    public enum Scaling: Codable, Sendable, Equatable {
        /// Pixels / 255: values in 0…1 (MNIST as Keras trains it). Passed through unchanged.
        case unit
        /// Raw byte values 0…255.
        case byte
        /// `(unit − mean) / std`, e.g. PyTorch's MNIST normalisation (0.1307, 0.3081).
        case standardized(mean: Float, std: Float)

        /// Applies the scaling to unit pixel values in place.
        public func apply(to values: inout [Float]) {
            switch self {
            case .unit: return
            case .byte: for index in values.indices { values[index] *= 255 }
            case let .standardized(mean, std):
                let inverse = 1 / std
                for index in values.indices { values[index] = (values[index] - mean) * inverse }
            }
        }
    }

    /// Image height and width in pixels.
    public var height: Int
    public var width: Int
    /// How pixel values are scaled.
    public var scaling: Scaling
    /// The input tensor's per-sample shape as the model declares it (e.g. `[28, 28, 1]`, `[1, 28, 28]`, `[784]`).
    /// All of these hold the pixels in the same row-major order, so layout is only a reshape.
    public var sampleShape: [Int]
    /// Whether inputs should go through MNIST-style preprocessing (crop, scale to 20 px, centre of mass).
    public var mnistPreprocessing: Bool

    public init(height: Int = 28, width: Int = 28, scaling: Scaling = .unit, sampleShape: [Int]? = nil,
                mnistPreprocessing: Bool = true) {
        self.height = height
        self.width = width
        self.scaling = scaling
        self.sampleShape = sampleShape ?? [height, width, 1]
        self.mnistPreprocessing = mnistPreprocessing
    }

    /// MNIST as the original project used it: 28×28×1 NHWC, pixels / 255.
    public static let mnist = InputSpec()

    enum CodingKeys: String, CodingKey {
        case height, width, scaling, sampleShape = "sample_shape", mnistPreprocessing = "mnist_preprocessing"
    }

    /// Only the size is required; the rest defaults as for MNIST (unit scaling, `[h, w, 1]`, preprocessing on).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let height = try container.decode(Int.self, forKey: .height)
        let width = try container.decode(Int.self, forKey: .width)
        self.init(height: height, width: width,
                  scaling: try container.decodeIfPresent(Scaling.self, forKey: .scaling) ?? .unit,
                  sampleShape: try container.decodeIfPresent([Int].self, forKey: .sampleShape),
                  mnistPreprocessing: try container.decodeIfPresent(Bool.self, forKey: .mnistPreprocessing) ?? true)
    }
}

extension InputSpec.Scaling {
    private enum CodingKeys: String, CodingKey { case kind, mean, std }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "unit": self = .unit
        case "byte": self = .byte
        case "standardized":
            let std = try container.decode(Float.self, forKey: .std)
            guard std != 0, std.isFinite else {
                throw DecodingError.dataCorruptedError(forKey: .std, in: container, debugDescription: "std must be finite and non-zero")
            }
            self = .standardized(mean: try container.decode(Float.self, forKey: .mean), std: std)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown scaling '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .unit: try container.encode("unit", forKey: .kind)
        case .byte: try container.encode("byte", forKey: .kind)
        case let .standardized(mean, std):
            try container.encode("standardized", forKey: .kind)
            try container.encode(mean, forKey: .mean)
            try container.encode(std, forKey: .std)
        }
    }
}
