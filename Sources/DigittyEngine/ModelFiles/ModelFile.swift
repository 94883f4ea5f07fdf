import Foundation

/// digitty's native model file: safetensors whose `__metadata__` holds the architecture, the input the model
/// expects and its provenance, each as a JSON string, plus a format version:
///
/// | key | value |
/// |---|---|
/// | `format` | `digitty` |
/// | `format_version` | `1` |
/// | `name` | the model's name |
/// | `architecture` | JSON array of layers, e.g. `[{"type":"conv2d","filters":32,"kernel_size":3,…}, …]` |
/// | `input` | JSON `InputSpec` (size, scaling, sample shape, preprocessing) |
/// | `provenance` | JSON `ModelProvenance` (training, data, accuracy, date) |
/// | `calibration` | JSON `Calibration` (temperature, verdict thresholds); optional, identity when absent |
///
/// Weights are F32 tensors named `layers.<index>.<parameter>`, so the file opens in Python's `safetensors`.
public enum ModelFile {
    /// The format version this build writes and the newest it reads.
    public static let formatVersion = 1

    /// Reads a model from a file.
    public static func load(contentsOf url: URL) throws(ModelFileError) -> SequentialModel {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(url, maximumSize: maximumFileSize,
                                       tooLarge: "larger than the \(maximumFileSize >> 30) GiB a model may have")
        } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try decode(bytes, name: url.deletingPathExtension().lastPathComponent)
    }

    /// Files larger than this are refused before reading.
    public static let maximumFileSize = 1 << 31

    /// Builds a model from a file's bytes; `name` is used when the file does not name the model.
    public static func decode(_ bytes: [UInt8], name: String) throws(ModelFileError) -> SequentialModel {
        let file = try SafeTensors(bytes: bytes)
        let metadata = file.metadata
        guard metadata["format"] == "digitty", let architecture = metadata["architecture"] else {
            throw .notADigittyModel("its metadata has no digitty architecture")
        }
        guard let versionText = metadata["format_version"], let version = Int(versionText) else {
            throw .badMetadata("format_version is missing or not a number")
        }
        guard version <= formatVersion else { throw .unsupportedVersion(found: version, supported: formatVersion) }
        guard version >= 1 else { throw .badMetadata("format_version \(version) is not valid") }

        let specs: [LayerSpec] = try decodeJSON(architecture, key: "architecture")
        let input: InputSpec = try metadata["input"].map { text throws(ModelFileError) in try decodeJSON(text, key: "input") } ?? .mnist
        let provenance: ModelProvenance = try metadata["provenance"].map { text throws(ModelFileError) in
            try decodeJSON(text, key: "provenance")
        } ?? ModelProvenance()
        let calibration: Calibration = try metadata["calibration"].map { text throws(ModelFileError) in
            try decodeJSON(text, key: "calibration")
        } ?? Calibration()
        guard input.height > 0, input.width > 0, input.height <= 4096, input.width <= 4096 else {
            throw .badMetadata("input size \(input.height)×\(input.width) is out of range")
        }
        guard Tensor.checkedElementCount(input.sampleShape) == input.height * input.width else {
            throw .badMetadata("input sample_shape \(input.sampleShape) does not hold a \(input.height)×\(input.width) image")
        }
        for (index, spec) in specs.enumerated() {
            if let problem = spec.outOfRangeParameter { throw .badMetadata("architecture layer \(index) (\(spec.typeName)): \(problem)") }
        }
        for name in file.tensors.keys.sorted() {
            if let index = file.tensors[name]?.scalars.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteWeight(tensor: name, index: index, value: file.tensors[name]!.scalars[index])
            }
        }
        let model: SequentialModel
        do {
            model = try SequentialModel(name: metadata["name"] ?? name, input: input, specs: specs,
                                        provenance: provenance, calibration: calibration) { file.tensors[$0] }
        } catch {
            throw .invalidModel(error.description)
        }
        let expected = Set(model.namedWeights.map(\.name))
        if let extra = file.tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw .invalidModel("tensor '\(extra)' is not used by the architecture")
        }
        return model
    }

    /// The file's bytes for a model.
    public static func encode(_ model: SequentialModel) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json(_ value: some Encodable) -> String {
            String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
        }
        let metadata = [
            "format": "digitty",
            "format_version": String(formatVersion),
            "name": model.name,
            "architecture": json(model.specs),
            "input": json(model.input),
            "provenance": json(model.provenance),
            "calibration": json(model.calibration),
        ]
        return SafeTensors(tensors: Dictionary(uniqueKeysWithValues: model.namedWeights.map { ($0.name, $0.tensor) }),
                           metadata: metadata).serialized()
    }

    /// Writes a model atomically: to a temporary file beside `url`, then renamed over it, so a failure
    /// never leaves a half-written file under the final name.
    public static func save(_ model: SequentialModel, to url: URL) throws(ModelFileError) {
        do {
            try AtomicFile.write(Data(encode(model)), to: url)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func decodeJSON<T: Decodable>(_ text: String, key: String) throws(ModelFileError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw .badMetadata("\(key): \(error.summary)")
        } catch {
            throw .badMetadata("\(key) is malformed")
        }
    }
}

extension LayerSpec {
    /// The largest size, stride, filter or unit count a model file may give a layer: far beyond any real
    /// model, and small enough that the shape arithmetic on it cannot overflow.
    static let maximumParameter = 1 << 20

    /// Why a hyper-parameter read from a file is out of range, or nil when all are in range.
    var outOfRangeParameter: String? {
        let integers: [(String, Int?)]
        var reals: [(String, Float)] = []
        switch self {
        case let .conv2D(filters, kernelSize, stride, _):
            integers = [("filters", filters), ("kernel_size", kernelSize), ("stride", stride)]
        case let .maxPool2D(size, stride, _), let .averagePool2D(size, stride, _):
            integers = [("size", size), ("stride", stride)]
        case let .dense(units):
            integers = [("units", units)]
        case let .leakyReLU(alpha):
            (integers, reals) = ([], [("alpha", alpha)])
        case let .dropout(rate):
            (integers, reals) = ([], [("rate", rate)])
        case let .batchNorm(epsilon):
            (integers, reals) = ([], [("epsilon", epsilon)])
        case .globalAveragePool, .relu, .softmax, .flatten:
            integers = []
        }
        for case let (name, value?) in integers where !(1...Self.maximumParameter).contains(value) {
            return "\(name) \(value) is not in 1…\(Self.maximumParameter)"
        }
        for (name, value) in reals where !value.isFinite {
            return "\(name) \(value) is not a finite number"
        }
        return nil
    }
}
