import DigittyEngine
import Foundation

/// Everything needed to continue a training run exactly: its state, the parameters, the optimizer's moments
/// and step count, and the best weights so far. Stored as safetensors (`parameters`, `optimizer`,
/// `best_parameters`) with the state as JSON in the metadata, and written atomically.
public struct TrainingCheckpoint: Sendable, Equatable {
    public static let formatName = "digitty-checkpoint"
    public var state: TrainingState
    public var parameters: [Float]
    public var optimizerSteps: Int
    public var optimizerValues: [Float]
    public var bestParameters: [Float]?

    public init(state: TrainingState, parameters: [Float], optimizerSteps: Int, optimizerValues: [Float],
                bestParameters: [Float]?) {
        self.state = state
        self.parameters = parameters
        self.optimizerSteps = optimizerSteps
        self.optimizerValues = optimizerValues
        self.bestParameters = bestParameters
    }

    public func encode() -> [UInt8] {
        var tensors = ["parameters": Tensor(shape: [parameters.count], scalars: parameters),
                       "optimizer": Tensor(shape: [optimizerValues.count], scalars: optimizerValues)]
        if let bestParameters { tensors["best_parameters"] = Tensor(shape: [bestParameters.count], scalars: bestParameters) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stateJSON = String(decoding: (try? encoder.encode(state)) ?? Data(), as: UTF8.self)
        return SafeTensors(tensors: tensors, metadata: [
            "format": Self.formatName, "state": stateJSON, "optimizer_steps": String(optimizerSteps),
        ]).serialized()
    }

    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> TrainingCheckpoint {
        let file = try SafeTensors(bytes: bytes)
        guard file.metadata["format"] == formatName else { throw .badMetadata("not a digitty training checkpoint") }
        guard let stateText = file.metadata["state"],
              let state = try? JSONDecoder().decode(TrainingState.self, from: Data(stateText.utf8)) else {
            throw .badMetadata("the checkpoint's training state is missing or malformed")
        }
        guard let steps = file.metadata["optimizer_steps"].flatMap(Int.init), steps >= 0 else {
            throw .badMetadata("the checkpoint's optimizer step count is missing")
        }
        guard let parameters = file.tensors["parameters"], let optimizer = file.tensors["optimizer"] else {
            throw .badMetadata("the checkpoint lacks its parameter or optimizer tensors")
        }
        return TrainingCheckpoint(state: state, parameters: parameters.scalars, optimizerSteps: steps,
                                  optimizerValues: optimizer.scalars, bestParameters: file.tensors["best_parameters"]?.scalars)
    }

    /// Writes the checkpoint to a temporary file beside `url` and renames it over `url`, so the previous
    /// checkpoint survives any failure.
    public func save(to url: URL) throws(ModelFileError) {
        do {
            try AtomicFile.write(Data(encode()), to: url)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads a checkpoint; every error names the file.
    public static func load(contentsOf url: URL) throws(ModelFileError) -> TrainingCheckpoint {
        do {
            return try decode(try FileBytes.read(url, maximumSize: Int.max, tooLarge: ""))
        } catch let error as FileBytes.Failure {
            throw .unreadable(path: url.path, reason: error.reason)
        } catch let error as ModelFileError {
            throw .unreadable(path: url.path, reason: "not a usable training checkpoint: \(error)")
        } catch {
            throw .unreadable(path: url.path, reason: "\(error)")
        }
    }
}
