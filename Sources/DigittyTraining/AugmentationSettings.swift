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
    /// Slant: on half of the images, x moves by `shear` × (y − centre), shear drawn uniformly from ±`shear` (0: off).
    public var shear: Float
    /// Aspect ratio: on half of the images, the width is scaled by r and the height by 1/r, with r drawn
    /// uniformly from 1/(1 + `aspect`) … 1 + `aspect` (0.6 gives 0.625…1.6; 0: off).
    public var aspect: Float
    /// The share (0…1) of images whose ink box is stretched to fill a square, as forms and old scanners
    /// normalise digits, then framed again as the app frames a drawing.
    public var stretchToFill: Float
    /// The share (0…1) of images whose strokes are thinned or thickened (by −1 … +2 pixels of grey erosion or
    /// dilation, fractional amounts blended).
    public var thickness: Float
    /// The share (0…1) of images redrawn at low resolution: the ink box resampled to 8…16 cells a side (half of
    /// them stretched to a square), binarised per cell or (half) per pixel before averaging into grey cells, and
    /// framed again at full size, as blocky terminal cells and old scanners give them.
    public var lowResolution: Float

    public init(rotation: Float = 0, widthShift: Float = 0.1, heightShift: Float = 0.1, zoom: Float = 0,
                elasticAlpha: Float = 0, elasticSigma: Float = 4, penRedraw: Float = 0, shear: Float = 0,
                aspect: Float = 0, stretchToFill: Float = 0, thickness: Float = 0, lowResolution: Float = 0) {
        self.rotation = rotation
        self.widthShift = widthShift
        self.heightShift = heightShift
        self.zoom = zoom
        self.elasticAlpha = elasticAlpha
        self.elasticSigma = elasticSigma
        self.penRedraw = penRedraw
        self.shear = shear
        self.aspect = aspect
        self.stretchToFill = stretchToFill
        self.thickness = thickness
        self.lowResolution = lowResolution
    }

    /// Reads settings saved before `penRedraw` and the handwriting-widening distortions existed as settings
    /// without them.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rotation: try values.decode(Float.self, forKey: .rotation),
                  widthShift: try values.decode(Float.self, forKey: .widthShift),
                  heightShift: try values.decode(Float.self, forKey: .heightShift),
                  zoom: try values.decode(Float.self, forKey: .zoom),
                  elasticAlpha: try values.decode(Float.self, forKey: .elasticAlpha),
                  elasticSigma: try values.decode(Float.self, forKey: .elasticSigma),
                  penRedraw: try values.decodeIfPresent(Float.self, forKey: .penRedraw) ?? 0,
                  shear: try values.decodeIfPresent(Float.self, forKey: .shear) ?? 0,
                  aspect: try values.decodeIfPresent(Float.self, forKey: .aspect) ?? 0,
                  stretchToFill: try values.decodeIfPresent(Float.self, forKey: .stretchToFill) ?? 0,
                  thickness: try values.decodeIfPresent(Float.self, forKey: .thickness) ?? 0,
                  lowResolution: try values.decodeIfPresent(Float.self, forKey: .lowResolution) ?? 0)
    }

    /// No distortion at all.
    public static let none = AugmentationSettings(widthShift: 0, heightShift: 0)

    /// The original project's setting: ±`degrees` rotation and ±10% shifts.
    public static func original(rotation degrees: Float) -> AugmentationSettings {
        AugmentationSettings(rotation: degrees)
    }

    /// Whether it changes images at all.
    public var isIdentity: Bool { rotation == 0 && widthShift == 0 && heightShift == 0 && zoom == 0 && elasticAlpha == 0 && penRedraw == 0
        && shear == 0 && aspect == 0 && stretchToFill == 0 && thickness == 0 && lowResolution == 0 }

    /// A short description for provenance, e.g. `rotation ±6°, shift ±10%, bilinear, fill nearest`.
    public var summary: String {
        var parts = ["rotation ±\(Self.format(rotation))°"]
        parts.append(widthShift == heightShift ? "shift ±\(Self.format(widthShift * 100))%"
                     : "shift ±\(Self.format(widthShift * 100))% × ±\(Self.format(heightShift * 100))%")
        if zoom > 0 { parts.append("zoom ±\(Self.format(zoom * 100))%") }
        if elasticAlpha > 0 { parts.append("elastic α \(Self.format(elasticAlpha)) σ \(Self.format(elasticSigma))") }
        parts.append("bilinear, fill nearest")
        if shear > 0 { parts.append("shear ±\(Self.format(shear, digits: 2)) on half") }
        if aspect > 0 { parts.append("aspect ×\(Self.format(1 / (1 + aspect), digits: 2))…\(Self.format(1 + aspect, digits: 2)) on half") }
        if stretchToFill > 0 { parts.append("\(Self.format(stretchToFill * 100))% stretched to fill a square") }
        if thickness > 0 { parts.append("\(Self.format(thickness * 100))% thinned or thickened") }
        if lowResolution > 0 { parts.append("\(Self.format(lowResolution * 100))% at low resolution (8–16 cells)") }
        if penRedraw > 0 { parts.append("\(Self.format(penRedraw * 100))% redrawn with the app's pen") }
        return parts.joined(separator: ", ")
    }

    private static func format(_ value: Float, digits: Int = 1) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.\(digits)f", value)
    }

    /// Checks the ranges (rotation 0…180°, shifts 0…1, zoom 0…<1, elastic α 0…100 with σ 0.5…20, shear 0…1,
    /// aspect 0…2, pen redraw and the other shares 0…1).
    public func validate() throws(ModelError) {
        let shares = [penRedraw, stretchToFill, thickness, lowResolution]
        let finite = ([rotation, widthShift, heightShift, zoom, elasticAlpha, elasticSigma, shear, aspect] + shares)
            .allSatisfy(\.isFinite)
        guard finite, (0...180).contains(rotation), (0...1).contains(widthShift), (0...1).contains(heightShift),
              zoom >= 0, zoom < 1, (0...100).contains(elasticAlpha), (0.5...20).contains(elasticSigma),
              (0...1).contains(shear), (0...2).contains(aspect), shares.allSatisfy({ (0...1).contains($0) }) else {
            throw .invalidParameter("augmentation out of range (rotation 0…180°, shift 0…1, zoom 0…<1, "
                                    + "elastic α 0…100 with σ 0.5…20, pen redraw 0…1, shear 0…1, aspect 0…2, other shares 0…1), got \(summary)")
        }
    }
}
