#!/usr/bin/env python3
"""ONNX Runtime as the outside judge for digitty's ONNX tests (needs: pip install onnxruntime numpy).

    onnxruntime_reference.py mnist MODEL.onnx MNIST_DIR OUT_DIR [unit|byte]
        Reads the MNIST test set (t10k-*.gz) and writes OUT_DIR/images.u8 (10000x784 bytes),
        OUT_DIR/labels.u8 and OUT_DIR/probabilities.f32 (ONNX Runtime's output on pixels / 255, or on the raw
        0-255 values with `byte`, float32 LE).
    onnxruntime_reference.py run MODEL.onnx IMAGES.f32 COUNT OUT.f32
        Runs MODEL on COUNT images of 28x28 float32 pixels (already scaled), reshaped to the model's input
        layout, and writes its first output as float32 LE.
"""
import gzip
import os
import sys

import numpy as np
import onnxruntime as ort


def session(model):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def run(sess, images):
    spec = sess.get_inputs()[0]
    shape = [images.shape[0]] + [d if isinstance(d, int) else -1 for d in spec.shape[1:]]
    batch = images.reshape(shape).astype(np.float32)
    if isinstance(spec.shape[0], int):  # a fixed batch size: one image at a time
        return np.concatenate([sess.run(None, {spec.name: batch[i:i + 1]})[0] for i in range(len(batch))])
    return sess.run(None, {spec.name: batch})[0]


def read_idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def mnist(model, directory, out, scaling="unit"):
    images = read_idx(os.path.join(directory, "t10k-images-idx3-ubyte.gz"), 16).reshape(-1, 784)
    labels = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz"), 8)
    pixels = images.astype(np.float32)
    probabilities = run(session(model), pixels if scaling == "byte" else pixels / 255.0)
    os.makedirs(out, exist_ok=True)
    images.tofile(os.path.join(out, "images.u8"))
    labels.tofile(os.path.join(out, "labels.u8"))
    probabilities.astype("<f4").tofile(os.path.join(out, "probabilities.f32"))


def run_file(model, images_path, count, out):
    images = np.fromfile(images_path, dtype="<f4").reshape(int(count), 784)
    run(session(model), images).astype("<f4").tofile(out)


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    {"mnist": mnist, "run": run_file}[command](*arguments)
