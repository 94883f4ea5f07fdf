import DigittyEngine
import DigittyVision

/// `POST /predict`'s answer is the shared reader's: the same verdict, probabilities and saliency as
/// `digitty predict` and the app. Here the reader's errors become HTTP statuses.
enum Prediction {
    /// Reads `image` with `model`; with `explain`, the reading carries a saliency map.
    static func run(_ model: any ImageClassifier, on image: GrayImage, explain: Bool = false) throws(APIError) -> Reading {
        do {
            return try DigitReader(model: model).read(image, explain: explain)
        } catch {
            switch error {
            case .wrongSize: throw APIError(.unprocessableContent, error.description)
            case .notADigitModel, .modelFailed: throw APIError(.internalServerError, error.description)
            }
        }
    }
}

extension Reading {
    /// The JSON body (see `ReadingJSON`), with the 784 grey levels the model saw if `includingInput`.
    func json(includingInput: Bool) -> [UInt8] { ReadingJSON.encode(self, includingInput: includingInput) }
}
