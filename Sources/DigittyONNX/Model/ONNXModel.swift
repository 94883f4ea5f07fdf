import DigittyEngine
import Dispatch
import Foundation

/// An ONNX graph used as a digit classifier: it takes the engine's `[N, 28, 28, 1]` 0…1 images, scales and
/// lays them out as the graph's input declares, runs the graph and returns probabilities (applying
/// softmax when the graph's output is not already softmax-normalised).
///
/// Immutable and safe to share across threads.
public struct ONNXModel: ImageClassifier {
    public let name: String
    public let input: InputSpec
    public let provenance: ModelProvenance
    public let calibration: Calibration
    public let graph: ONNXGraph
    /// The graph input fed with images, and its declared batch size when fixed (nil when dynamic).
    let inputName: String
    let fixedBatch: Int?
    /// Whether the graph's output is produced by a Softmax (so it is already probabilities).
    let outputIsSoftmax: Bool
    /// The number of classes the graph outputs.
    public let classes: Int

    /// Metadata keys digitty writes into ONNX files it exports, and reads back on import.
    public static let inputMetadataKey = "digitty.input"
    public static let provenanceMetadataKey = "digitty.provenance"
    public static let calibrationMetadataKey = "digitty.calibration"

    /// Wraps a decoded file. `scaling` overrides what the file records (digitty exports record it) and the
    /// default, unit (pixels / 255).
    public init(_ contents: ONNXFile.Contents, name: String, scaling: InputSpec.Scaling? = nil) throws(ONNXError) {
        let graph = contents.graph
        guard graph.inputs.count == 1, let declared = graph.inputs.first else {
            throw .badInput("a digit classifier takes one input; the graph has \(graph.inputs.map(\.name))")
        }
        guard declared.elementType == 0 || declared.elementType == ONNXTensor.ElementType.float.rawValue else {
            throw .badInput("input '\(declared.name)' is \(ONNXTensor.ElementType.name(of: declared.elementType)), not FLOAT images")
        }
        let layout = try InputLayout(declared)
        for (name, constant) in graph.constants.sorted(by: { $0.key < $1.key }) {
            if let values = constant.floats, let index = values.firstIndex(where: { !$0.isFinite }) {
                throw .badTensor(name: name, reason: "holds \(values[index]) at element \(index); weights must be finite numbers")
            }
        }
        let recorded: InputSpec? = try contents.metadata[ONNXModel.inputMetadataKey].map { text throws(ONNXError) in
            do {
                return try JSONDecoder().decode(InputSpec.self, from: Data(text.utf8))
            } catch {
                throw .badInput("metadata_props '\(ONNXModel.inputMetadataKey)': \((error as? DecodingError)?.summary ?? "malformed")")
            }
        }
        self.name = name
        input = InputSpec(height: layout.height, width: layout.width, scaling: scaling ?? recorded?.scaling ?? .unit,
                          sampleShape: layout.sampleShape, mnistPreprocessing: recorded?.mnistPreprocessing ?? true)
        provenance = contents.metadata[ONNXModel.provenanceMetadataKey].flatMap {
            try? JSONDecoder().decode(ModelProvenance.self, from: Data($0.utf8))
        } ?? ModelProvenance(trainedWith: contents.producer.isEmpty ? nil : contents.producer,
                             notes: "imported from ONNX (IR \(contents.irVersion), opset \(graph.opset))")
        calibration = contents.metadata[ONNXModel.calibrationMetadataKey].flatMap {
            try? JSONDecoder().decode(Calibration.self, from: Data($0.utf8))
        }.flatMap { $0.isValid ? $0 : nil } ?? Calibration()
        self.graph = graph
        inputName = declared.name
        fixedBatch = layout.fixedBatch
        // One probe run proves the graph works on images and tells the number of classes.
        let probeBatch = layout.fixedBatch ?? 1
        let probe = ONNXTensor(shape: [probeBatch] + layout.sampleShape,
                               floats: [Float](repeating: 0, count: probeBatch * layout.height * layout.width))
        guard let output = try graph.run([declared.name: probe]).first, let values = output.floats else {
            throw .badInput("the graph's first output is not a FLOAT tensor")
        }
        // [batch, classes], or with size-1 axes around the classes ([N, 10, 1, 1] from a convolutional head).
        let classAxes = output.shape.indices.dropFirst().filter { output.shape[$0] != 1 }
        guard output.shape.first == probeBatch, classAxes.count == 1, let classAxis = classAxes.first,
              output.shape[classAxis] >= 2 else {
            throw .badInput("the graph's output \(output.shape) is not [batch, classes] for a batch of \(probeBatch)")
        }
        classes = values.count / probeBatch
        outputIsSoftmax = try ONNXModel.endsInSoftmax(graph, over: classAxis, rank: output.rank)
    }

    /// Whether the graph's first output is a Softmax over the classes (so it is probabilities already): the last
    /// node before it (past Identity and Dropout) is a Softmax whose axis is the class axis (before opset 13, whose
    /// flattening from its axis on keeps the classes alone, the other axes being 1).
    static func endsInSoftmax(_ graph: ONNXGraph, over classAxis: Int, rank: Int) throws(ONNXError) -> Bool {
        var producer = graph.outputs.first?.name
        while let name = producer, let node = graph.nodes.last(where: { $0.outputs.contains(name) }) {
            if node.opType == "Identity" || node.opType == "Dropout" { producer = node.inputs.first; continue }
            guard node.opType == "Softmax" else { return false }
            let context = OperatorContext(node: node, opset: graph.opset, inputs: [])
            let axis = try context.axis(try context.int("axis", default: graph.opset < 13 ? 1 : -1), rank: rank)
            return graph.opset < 13 ? (1...classAxis).contains(axis) : axis == classAxis
        }
        return false
    }

    /// Images per graph run; batches are cut into such pieces, run on all cores.
    static let piece = 64

    public func probabilities(for images: Tensor) throws(ModelError) -> Tensor {
        guard images.rank == 4, images.shape[1] == input.height, images.shape[2] == input.width, images.shape[3] == 1 else {
            throw .badInput("expected [batch, \(input.height), \(input.width), 1] pixels, got \(images.shape)")
        }
        let count = images.shape[0], pixels = input.height * input.width
        let piece = fixedBatch ?? ONNXModel.piece
        let pieces = (count + piece - 1) / piece
        let results = PieceResults(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { index in
            let first = index * piece, last = min(count, first + piece)
            var scalars = Array(images.scalars[first * pixels..<last * pixels])
            input.scaling.apply(to: &scalars)
            let size = fixedBatch ?? (last - first)
            scalars += [Float](repeating: 0, count: (size - (last - first)) * pixels)  // pad a fixed batch
            results.store(index, Result { () throws(ONNXError) in
                try graph.run([inputName: ONNXTensor(shape: [size] + input.sampleShape, floats: scalars)])[0]
            })
        }
        var output: [Float] = []
        output.reserveCapacity(count * classes)
        for index in 0..<pieces {
            let rows = min(count, (index + 1) * piece) - index * piece
            switch results.value(index) {
            case let .success(tensor)?:
                guard let values = tensor.floats, tensor.shape.first == fixedBatch ?? rows,
                      values.count == (fixedBatch ?? rows) * classes else {
                    throw .badInput("the graph returned \(tensor.shape) \(tensor.type.name) for \(rows) images")
                }
                output += values[0..<rows * classes]
            case let .failure(error)?: throw .badInput(error.description)
            case nil: throw .badInput("a piece of the batch did not run")
            }
        }
        var result = Tensor(shape: [count, classes], scalars: output)
        if !outputIsSoftmax {
            result.scalars.withUnsafeMutableBufferPointer { values in ONNXModel.softmax(values, width: classes) }
        }
        try ModelError.checkFinite(result)
        return result
    }

    static func softmax(_ values: UnsafeMutableBufferPointer<Float>, width: Int) {
        var start = 0
        while start + width <= values.count {
            let row = UnsafeMutableBufferPointer(rebasing: values[start..<start + width])
            let largest = row.max() ?? 0
            var total: Float = 0
            for index in row.indices { row[index] = exp(row[index] - largest); total += row[index] }
            for index in row.indices { row[index] /= total }
            start += width
        }
    }
}

/// Results of the pieces of a batch, written from several threads (each index once).
private final class PieceResults: @unchecked Sendable {
    private var results: [Result<ONNXTensor, ONNXError>?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func store(_ index: Int, _ result: Result<ONNXTensor, ONNXError>) { lock.withLock { results[index] = result } }
    func value(_ index: Int) -> Result<ONNXTensor, ONNXError>? { lock.withLock { results[index] } }
}
