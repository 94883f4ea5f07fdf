#!/usr/bin/env python3
"""Rebuilds the seed CNN the way other exporters write graphs, with the `onnx` package (pip install onnx numpy).

    exporter_graphs.py SEED.onnx OUT_DIR

writes OUT_DIR/older_exporter.onnx: the seed model's weights (conv → relu → maxpool → flatten → dense → relu →
dense → softmax), but
  - NCHW input [N, 1, 28, 28] taking raw 0–255 pixels: the first layer's weights are divided by 255, and the
    file records `{"kind": "byte"}` scaling in metadata_props `digitty.input` (as digitty's own exports do);
  - the conv has no bias input: a separate Add of a [1, 32, 1, 1] Constant node follows it (older exporters);
  - the flatten is a Reshape whose shape is computed from the data: Shape → Gather → Unsqueeze → Concat;
  - the first dense layer is a Gemm (transB, no C) followed by an Add of its bias; the second a MatMul + Add;
  - weights are stored in typed fields (float_data) instead of raw_data, some as Constant nodes.
and OUT_DIR/older_exporter_unlabelled.onnx: the same graph without metadata_props (a model from elsewhere).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def typed(name, array):
    """A float tensor in float_data, not raw_data."""
    array = np.asarray(array, dtype=np.float32)
    return helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.flatten().tolist(), raw=False)


def constant_node(name, array):
    return helper.make_node("Constant", [], [name], name=name + "_const", value=typed(name + "_value", array))


def main(seed_path, out):
    seed = onnx.load(seed_path)
    weights = {t.name: numpy_helper.to_array(t) for t in seed.graph.initializer}
    conv_w = weights["simple_1/conv2d_1/convolution/ReadVariableOp:0"] / 255.0   # [32, 1, 3, 3]
    conv_b = weights["simple_1/conv2d_1/Squeeze:0"]                            # [32]
    dense1_w = weights["simple_1/dense_1/Cast/ReadVariableOp:0"]               # [5408, 128], rows in HWC order
    dense1_b = weights["simple_1/dense_1/BiasAdd/ReadVariableOp:0"]
    dense2_w = weights["simple_1/dense_1_2/Cast/ReadVariableOp:0"]             # [128, 10]
    dense2_b = weights["simple_1/dense_1_2/BiasAdd/ReadVariableOp:0"]
    # The seed flattens NHWC (13, 13, 32); this graph flattens NCHW (32, 13, 13): permute the rows to match.
    dense1_w_chw = dense1_w.reshape(13, 13, 32, 128).transpose(2, 0, 1, 3).reshape(5408, 128)

    nodes = [
        helper.make_node("Conv", ["image", "conv_w"], ["conv"], name="conv", kernel_shape=[3, 3]),
        constant_node("conv_b", conv_b.reshape(1, 32, 1, 1)),
        helper.make_node("Add", ["conv", "conv_b"], ["conv_biased"], name="conv_bias_add"),
        helper.make_node("Relu", ["conv_biased"], ["relu1"], name="relu1"),
        helper.make_node("MaxPool", ["relu1"], ["pool"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Shape", ["pool"], ["pool_shape"], name="shape"),
        helper.make_node("Gather", ["pool_shape", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch_1d"], name="unsqueeze"),
        helper.make_node("Concat", ["batch_1d", "minus_one"], ["flat_shape"], name="concat", axis=0),
        helper.make_node("Reshape", ["pool", "flat_shape"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "dense1_wt"], ["dense1"], name="dense1", transB=1),
        helper.make_node("Add", ["dense1", "dense1_b"], ["dense1_biased"], name="dense1_bias_add"),
        helper.make_node("Relu", ["dense1_biased"], ["relu2"], name="relu2"),
        helper.make_node("MatMul", ["relu2", "dense2_w"], ["dense2"], name="dense2"),
        constant_node("dense2_b", dense2_b),
        helper.make_node("Add", ["dense2_b", "dense2"], ["logits"], name="dense2_bias_add"),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    initializers = [
        typed("conv_w", conv_w),
        typed("dense1_wt", dense1_w_chw.T),
        typed("dense1_b", dense1_b),
        typed("dense2_w", dense2_w),
        helper.make_tensor("zero", TensorProto.INT64, [], [0]),
        helper.make_tensor("axes0", TensorProto.INT64, [1], [0]),
        helper.make_tensor("minus_one", TensorProto.INT64, [1], [-1]),
    ]
    graph = helper.make_graph(
        nodes, "older_exporter",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 10])],
        initializers)
    model = helper.make_model(graph, producer_name="exporter_graphs.py", opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "older_exporter_unlabelled.onnx"))
    helper.set_model_props(model, {"digitty.input": '{"height":28,"width":28,"scaling":{"kind":"byte"}}'})
    onnx.save(model, os.path.join(out, "older_exporter.onnx"))


if __name__ == "__main__":
    main(*sys.argv[1:])
