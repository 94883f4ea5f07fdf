import DigittyEngine

/// What `GET /models` tells about one model: its name, architecture, input and provenance (accuracy included).
struct ModelDescription: Encodable {
    var name: String
    var isDefault: Bool
    var kind: String
    var architecture: [String]?
    var layers: [LayerSpec]?
    var parameters: Int?
    var input: InputSpec
    var accuracy: Double?
    var validationAccuracy: Double?
    var provenance: ModelProvenance

    init(_ model: any ImageClassifier, isDefault: Bool) {
        name = model.name
        self.isDefault = isDefault
        input = model.input
        provenance = model.provenance
        accuracy = model.provenance.testAccuracy
        validationAccuracy = model.provenance.validationAccuracy
        let base = (model as? RenamedClassifier)?.base ?? model
        if let sequential = base as? SequentialModel {
            kind = "sequential"
            architecture = sequential.specs.map(\.summary)
            layers = sequential.specs
            parameters = sequential.parameterCount
        } else {
            kind = String(describing: type(of: base))
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, isDefault = "default", kind, architecture, layers, parameters, input, accuracy
        case validationAccuracy = "validation_accuracy", provenance
    }
}
