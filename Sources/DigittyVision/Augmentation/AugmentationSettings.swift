/// How strongly training images are randomly distorted, in the terms of Keras' ImageDataGenerator.
public struct AugmentationSettings: Sendable, Equatable, Codable {
    /// Rotation drawn uniformly from ±`rotation` degrees.
    public var rotation: Float
    /// Horizontal shift drawn uniformly from ±`widthShift` × width.
    public var widthShift: Float
    /// Vertical shift drawn uniformly from ±`heightShift` × height.
    public var heightShift: Float
    /// Scale drawn uniformly from 1 ± `zoom` (0: off).
    public var zoom: Float
    /// Elastic distortion (Simard et al. 2003): the strength α of the smoothed random displacement field (0: off;
    /// Simard used α = 34 with σ = 4, which displaces by about a pixel) …
    public var elasticAlpha: Float
    /// … and the smoothness (Gaussian σ in pixels) of the displacement field.
    public var elasticSigma: Float

    public init(rotation: Float = 0, widthShift: Float = 0.1, heightShift: Float = 0.1, zoom: Float = 0,
                elasticAlpha: Float = 0, elasticSigma: Float = 4) {
        self.rotation = rotation
        self.widthShift = widthShift
        self.heightShift = heightShift
        self.zoom = zoom
        self.elasticAlpha = elasticAlpha
        self.elasticSigma = elasticSigma
    }

    /// No distortion at all.
    public static let none = AugmentationSettings(widthShift: 0, heightShift: 0)

    /// The original project's setting: ±`degrees` rotation and ±10% shifts.
    public static func original(rotation degrees: Float) -> AugmentationSettings {
        AugmentationSettings(rotation: degrees)
    }
}
