import DigittyTraining
import DigittyEngine

/// A model read with another calibration than its file records: `Calibration()` to see its raw probabilities,
/// a candidate calibration while fitting one.
struct Recalibrated: ImageClassifier {
    let base: any ImageClassifier
    let calibration: Calibration
    var name: String { base.name }
    var input: InputSpec { base.input }
    var provenance: ModelProvenance { base.provenance }
    func probabilities(for images: Tensor) throws(ModelError) -> Tensor { try base.probabilities(for: images) }
}
