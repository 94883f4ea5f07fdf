import DigittyEngine
import DigittyVision

/// One answer of `POST /predict`: the digit, the ten probabilities, and the 28×28 image the model saw.
public struct Prediction: Sendable, Equatable {
    /// The model that answered.
    public var model: String
    /// The most probable digit, or nil for an empty drawing.
    public var label: Int?
    /// One probability per digit 0…9 (empty for an empty drawing).
    public var probabilities: [Float]
    /// The preprocessed input, nil for an empty drawing.
    public var inputImage: GrayImage?

    /// The preprocessed input as 8-bit grey levels, row-major (white ink on black); empty for an empty drawing.
    public var input: [UInt8] { inputImage?.bytes ?? [] }

    /// Whether the image had no ink.
    public var isEmpty: Bool { label == nil }

    /// Runs MNIST-style preprocessing (crop, scale to 20 px, centre of mass; dark-on-light inverted) on
    /// `image`, then `model`.
    public static func run(_ model: any ImageClassifier, on image: GrayImage) throws(APIError) -> Prediction {
        guard let prepared = MNISTPreprocessing.prepare(image) else {
            return Prediction(model: model.name, label: nil, probabilities: [], inputImage: nil)
        }
        guard prepared.width == model.input.width, prepared.height == model.input.height else {
            throw APIError(.unprocessableContent,
                           "model '\(model.name)' expects \(model.input.width)×\(model.input.height) input, "
                           + "preprocessing gives \(prepared.width)×\(prepared.height)")
        }
        let probabilities: [Float]
        do {
            probabilities = try model.probabilities(forPixels: prepared.pixels)
        } catch {
            throw APIError(.internalServerError, "model '\(model.name)' failed: \(error)")
        }
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return Prediction(model: model.name, label: probabilities.isEmpty ? nil : best,
                          probabilities: probabilities, inputImage: prepared)
    }

    /// The JSON body: `{"label": 7, "probabilities": […], "model": "…", "empty": false}`, with
    /// `"input": […784]` after them if `includingInput`, or `{"empty": true, "model": "…"}` with no label for an
    /// empty drawing.
    func json(includingInput: Bool) -> [UInt8] {
        var writer = JSONWriter(capacity: includingInput ? 4096 : 512)
        writer.object { object in
            if let label {
                object.field("label", label)
                object.field("probabilities", numbers: probabilities)
            }
            object.field("model", model)
            object.field("empty", isEmpty)
            if includingInput, let inputImage { object.field("input", integers: inputImage.bytes) }
        }
        return writer.bytes
    }
}
