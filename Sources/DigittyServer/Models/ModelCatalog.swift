import DigittyEngine
import DigittyONNX
import Foundation

/// The models a server answers with, loaded once and shared by every request (they are immutable).
/// The first model is the default, used when a request names none.
public struct ModelCatalog: Sendable {
    /// The models in the order given, with unique names.
    public let models: [any ImageClassifier]
    private let byName: [String: Int]

    /// A catalog of already loaded models; names that repeat get `-2`, `-3`… suffixes.
    public init(models: [any ImageClassifier]) throws(ModelCatalogError) {
        guard !models.isEmpty else { throw .noModels }
        var byName: [String: Int] = [:]
        var renamed: [any ImageClassifier] = []
        for model in models {
            var name = model.name
            var suffix = 2
            while byName[name] != nil {
                name = "\(model.name)-\(suffix)"
                suffix += 1
            }
            byName[name] = renamed.count
            renamed.append(name == model.name ? model : RenamedClassifier(base: model, name: name))
        }
        self.models = renamed
        self.byName = byName
    }

    /// Loads model files (native `.safetensors` or `.onnx`); the first is the default. Which files to serve is
    /// the caller's policy (the CLI names the shipped default model when none is given). `scaling`, when given,
    /// overrides the input scaling the files record.
    public static func load(paths: [String], scaling: InputSpec.Scaling? = nil) throws(ModelCatalogError) -> ModelCatalog {
        let urls = paths.map { URL(fileURLWithPath: $0) }
        guard !urls.isEmpty else { throw .noDefaultModel }
        var models: [any ImageClassifier] = []
        for url in urls { models.append(try loadModel(at: url, scaling: scaling)) }
        return try ModelCatalog(models: models)
    }

    /// The one place the server reads a model file: DigittyONNX's loader, which reads both formats.
    static func loadModel(at url: URL, scaling: InputSpec.Scaling? = nil) throws(ModelCatalogError) -> any ImageClassifier {
        do {
            return try ModelLoader.load(contentsOf: url, scaling: scaling)
        } catch {
            throw .unreadable(error)
        }
    }

    /// The default model (the first).
    public var defaultModel: any ImageClassifier { models[0] }

    /// The model called `name`, or nil.
    public func model(named name: String) -> (any ImageClassifier)? {
        byName[name].map { models[$0] }
    }

    /// The loaded models' names, default first.
    public var names: [String] { models.map(\.name) }
}

/// Why the server's models could not be loaded.
public enum ModelCatalogError: Error, CustomStringConvertible {
    case noModels
    case noDefaultModel
    /// A model file could not be loaded (the error names the file).
    case unreadable(ModelLoadError)

    public var description: String {
        switch self {
        case .noModels: "no models to serve"
        case .noDefaultModel: "no default model found (set DIGITTY_MODEL or pass --model PATH)"
        case let .unreadable(error): "cannot load model: \(error)"
        }
    }
}

/// A model served under another name (when two files have the same one).
struct RenamedClassifier: ImageClassifier {
    let base: any ImageClassifier
    let name: String
    var input: InputSpec { base.input }
    var provenance: ModelProvenance { base.provenance }
    var calibration: Calibration { base.calibration }
    func probabilities(for images: Tensor) throws(ModelError) -> Tensor { try base.probabilities(for: images) }
}
