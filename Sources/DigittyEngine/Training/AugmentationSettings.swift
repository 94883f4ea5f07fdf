import Foundation

/// How strongly training images are randomly distorted, in the terms of Keras' ImageDataGenerator, plus an
/// optional zoom and elastic distortion. Plain data: saved with a run's configuration and compared on resume;
/// an `ImageAugmentation` (DigittyVision's `Augmenter`) carries it out.
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

    /// Whether it changes images at all.
    public var isIdentity: Bool { rotation == 0 && widthShift == 0 && heightShift == 0 && zoom == 0 && elasticAlpha == 0 }

    /// A short description for provenance, e.g. `rotation ±6°, shift ±10%, bilinear, fill nearest`.
    public var summary: String {
        var parts = ["rotation ±\(Self.format(rotation))°"]
        parts.append(widthShift == heightShift ? "shift ±\(Self.format(widthShift * 100))%"
                     : "shift ±\(Self.format(widthShift * 100))% × ±\(Self.format(heightShift * 100))%")
        if zoom > 0 { parts.append("zoom ±\(Self.format(zoom * 100))%") }
        if elasticAlpha > 0 { parts.append("elastic α \(Self.format(elasticAlpha)) σ \(Self.format(elasticSigma))") }
        return parts.joined(separator: ", ") + ", bilinear, fill nearest"
    }

    private static func format(_ value: Float) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// Checks the ranges (rotation 0…180°, shifts 0…1, zoom 0…<1, elastic α 0…100 with σ 0.5…20).
    public func validate() throws(ModelError) {
        let finite = [rotation, widthShift, heightShift, zoom, elasticAlpha, elasticSigma].allSatisfy(\.isFinite)
        guard finite, (0...180).contains(rotation), (0...1).contains(widthShift), (0...1).contains(heightShift),
              zoom >= 0, zoom < 1, (0...100).contains(elasticAlpha), (0.5...20).contains(elasticSigma) else {
            throw .invalidParameter("augmentation out of range (rotation 0…180°, shift 0…1, zoom 0…<1, "
                                    + "elastic α 0…100 with σ 0.5…20), got \(summary)")
        }
    }
}
