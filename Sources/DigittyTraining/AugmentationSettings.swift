import DigittyEngine
import Foundation

/// How strongly training images are randomly distorted, in the terms of Keras' ImageDataGenerator, plus an
/// optional zoom, elastic distortion and redrawing with the terminal app's pen. Plain data: saved with a run's
/// configuration and compared on resume; an `ImageAugmentation` (DigittyVision's `Augmenter`) carries it out.
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
    /// The share (0…1) of 28×28 training images that, once distorted, are drawn again with the terminal app's
    /// pen at a random size and preprocessed as the app preprocesses a drawing (0: off).
    public var penRedraw: Float

    public init(rotation: Float = 0, widthShift: Float = 0.1, heightShift: Float = 0.1, zoom: Float = 0,
                elasticAlpha: Float = 0, elasticSigma: Float = 4, penRedraw: Float = 0) {
        self.rotation = rotation
        self.widthShift = widthShift
        self.heightShift = heightShift
        self.zoom = zoom
        self.elasticAlpha = elasticAlpha
        self.elasticSigma = elasticSigma
        self.penRedraw = penRedraw
    }

    /// Reads settings saved before `penRedraw` existed as settings without it.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rotation: try values.decode(Float.self, forKey: .rotation),
                  widthShift: try values.decode(Float.self, forKey: .widthShift),
                  heightShift: try values.decode(Float.self, forKey: .heightShift),
                  zoom: try values.decode(Float.self, forKey: .zoom),
                  elasticAlpha: try values.decode(Float.self, forKey: .elasticAlpha),
                  elasticSigma: try values.decode(Float.self, forKey: .elasticSigma),
                  penRedraw: try values.decodeIfPresent(Float.self, forKey: .penRedraw) ?? 0)
    }

    /// No distortion at all.
    public static let none = AugmentationSettings(widthShift: 0, heightShift: 0)

    /// The original project's setting: ±`degrees` rotation and ±10% shifts.
    public static func original(rotation degrees: Float) -> AugmentationSettings {
        AugmentationSettings(rotation: degrees)
    }

    /// Whether it changes images at all.
    public var isIdentity: Bool { rotation == 0 && widthShift == 0 && heightShift == 0 && zoom == 0 && elasticAlpha == 0 && penRedraw == 0 }

    /// A short description for provenance, e.g. `rotation ±6°, shift ±10%, bilinear, fill nearest`.
    public var summary: String {
        var parts = ["rotation ±\(Self.format(rotation))°"]
        parts.append(widthShift == heightShift ? "shift ±\(Self.format(widthShift * 100))%"
                     : "shift ±\(Self.format(widthShift * 100))% × ±\(Self.format(heightShift * 100))%")
        if zoom > 0 { parts.append("zoom ±\(Self.format(zoom * 100))%") }
        if elasticAlpha > 0 { parts.append("elastic α \(Self.format(elasticAlpha)) σ \(Self.format(elasticSigma))") }
        parts.append("bilinear, fill nearest")
        if penRedraw > 0 { parts.append("\(Self.format(penRedraw * 100))% redrawn with the app's pen") }
        return parts.joined(separator: ", ")
    }

    private static func format(_ value: Float) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// Checks the ranges (rotation 0…180°, shifts 0…1, zoom 0…<1, elastic α 0…100 with σ 0.5…20, pen redraw 0…1).
    public func validate() throws(ModelError) {
        let finite = [rotation, widthShift, heightShift, zoom, elasticAlpha, elasticSigma, penRedraw].allSatisfy(\.isFinite)
        guard finite, (0...180).contains(rotation), (0...1).contains(widthShift), (0...1).contains(heightShift),
              zoom >= 0, zoom < 1, (0...100).contains(elasticAlpha), (0.5...20).contains(elasticSigma),
              (0...1).contains(penRedraw) else {
            throw .invalidParameter("augmentation out of range (rotation 0…180°, shift 0…1, zoom 0…<1, "
                                    + "elastic α 0…100 with σ 0.5…20, pen redraw 0…1), got \(summary)")
        }
    }
}
