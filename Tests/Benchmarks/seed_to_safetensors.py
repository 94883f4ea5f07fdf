#!/usr/bin/env python3
"""Writes the original project's simple CNN (an ONNX file from Keras via tf2onnx) as a native digitty model.

Benchmark and bootstrap tool, not part of the product: it lets `digitty bench` run the very weights that
ONNX Runtime runs, so the two are compared on identical models. Usage:
    seed_to_safetensors.py SEED.onnx OUT.safetensors
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from safetensors.numpy import save_file


def main(source, target):
    model = onnx.load(source)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    conv = next(n for n in model.graph.node if n.op_type == "Conv")
    matmuls = [n for n in model.graph.node if n.op_type == "MatMul"]
    adds = [n for n in model.graph.node if n.op_type == "Add"]
    conv_weight = weights[conv.input[1]]  # OIHW
    tensors = {
        "layers.0.weight": np.ascontiguousarray(conv_weight.transpose(2, 3, 1, 0)).astype(np.float32),  # HWIO
        "layers.0.bias": weights[conv.input[2]].astype(np.float32),
        "layers.4.weight": weights[matmuls[0].input[1]].astype(np.float32),  # [5408, 128], NHWC flatten order
        "layers.4.bias": weights[adds[0].input[1]].astype(np.float32),
        "layers.7.weight": weights[matmuls[1].input[1]].astype(np.float32),
        "layers.7.bias": weights[adds[1].input[1]].astype(np.float32),
    }
    architecture = [
        {"type": "conv2d", "filters": 32, "kernel_size": 3, "stride": 1, "padding": "valid"},
        {"type": "relu"},
        {"type": "maxpool2d", "size": 2, "stride": 2, "padding": "valid"},
        {"type": "flatten"},
        {"type": "dense", "units": 128},
        {"type": "relu"},
        {"type": "dropout", "rate": 0.1},
        {"type": "dense", "units": 10},
        {"type": "softmax"},
    ]
    metadata = {
        "format": "digitty",
        "format_version": "1",
        "name": "seed-simple-rot6",
        "architecture": json.dumps(architecture),
        "input": json.dumps({"height": 28, "width": 28, "scaling": {"kind": "unit"},
                             "sample_shape": [28, 28, 1], "mnist_preprocessing": True}),
        "provenance": json.dumps({
            "trained_with": "Keras 3.15 / TensorFlow 2.21, exported by tf2onnx 1.17; weights copied unchanged",
            "dataset": "MNIST train (60,000)",
            "augmentation": "rotation ±6°, shift ±10%, fill nearest",
            "epochs": 10, "batch_size": 32, "learning_rate": 0.001, "optimizer": "Adam",
            "test_accuracy": 0.9903,
            "notes": "The original project's simple CNN (seed_simple_rot6.onnx).",
        }),
    }
    save_file(tensors, target, metadata=metadata)


if __name__ == "__main__":
    main(*sys.argv[1:3])
