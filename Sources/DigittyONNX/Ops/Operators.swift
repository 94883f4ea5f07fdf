/// An operator digitty implements: the attributes it understands and how it runs.
struct Operator: Sendable {
    let attributes: Set<String>
    let run: @Sendable (OperatorContext) throws(ONNXError) -> [ONNXTensor]
}

/// Every operator of the default ONNX domain digitty runs, by `op_type`.
enum Operators {
    static let window: Set<String> = ["auto_pad", "kernel_shape", "pads", "strides", "dilations"]

    static let table: [String: Operator] = [
        "Conv": Operator(attributes: window.union(["group"]), run: Convolution.conv),
        "MaxPool": Operator(attributes: window.union(["ceil_mode", "storage_order"]), run: Pooling.maxPool),
        "AveragePool": Operator(attributes: window.union(["ceil_mode", "count_include_pad"]), run: Pooling.averagePool),
        "GlobalAveragePool": Operator(attributes: [], run: Pooling.globalAveragePool),
        "Relu": Operator(attributes: [], run: Activations.relu),
        "LeakyRelu": Operator(attributes: ["alpha"], run: Activations.leakyRelu),
        "Sigmoid": Operator(attributes: [], run: Activations.sigmoid),
        "Tanh": Operator(attributes: [], run: Activations.tanh),
        "Clip": Operator(attributes: ["min", "max"], run: Activations.clip),
        "Gemm": Operator(attributes: ["alpha", "beta", "transA", "transB"], run: MatrixProducts.gemm),
        "MatMul": Operator(attributes: [], run: MatrixProducts.matMul),
        "Add": Operator(attributes: [], run: Arithmetic.binary(.add)),
        "Sub": Operator(attributes: [], run: Arithmetic.binary(.sub)),
        "Mul": Operator(attributes: [], run: Arithmetic.binary(.mul)),
        "Div": Operator(attributes: [], run: Arithmetic.binary(.div)),
        "Softmax": Operator(attributes: ["axis"], run: Normalization.softmax),
        "LogSoftmax": Operator(attributes: ["axis"], run: Normalization.logSoftmax),
        "BatchNormalization": Operator(attributes: ["epsilon", "momentum", "training_mode", "spatial"],
                                       run: Normalization.batchNormalization),
        "Flatten": Operator(attributes: ["axis"], run: Shaping.flatten),
        "Reshape": Operator(attributes: ["allowzero", "shape"], run: Shaping.reshape),
        "Squeeze": Operator(attributes: ["axes"], run: Shaping.squeeze),
        "Unsqueeze": Operator(attributes: ["axes"], run: Shaping.unsqueeze),
        "Identity": Operator(attributes: [], run: Shaping.identity),
        "Shape": Operator(attributes: ["start", "end"], run: Shaping.shape),
        "Transpose": Operator(attributes: ["perm"], run: Transpose.run),
        "Concat": Operator(attributes: ["axis"], run: Indexing.concat),
        "Gather": Operator(attributes: ["axis"], run: Indexing.gather),
        "Slice": Operator(attributes: ["starts", "ends", "axes"], run: Indexing.slice),
        "Pad": Operator(attributes: ["mode", "pads", "value", "paddings"], run: Pad.run),
        "Constant": Operator(attributes: ["value", "value_float", "value_floats", "value_int", "value_ints",
                                          "sparse_value", "value_string", "value_strings"], run: Constants.constant),
        "Cast": Operator(attributes: ["to", "saturate", "round_mode"], run: Constants.cast),
        "Dropout": Operator(attributes: ["ratio", "seed", "is_test"], run: Constants.dropout),
    ]

    /// Operators whose result depends only on their inputs, so they can be folded at load.
    static func isFoldable(_ op: String) -> Bool { op != "Dropout" }
}
