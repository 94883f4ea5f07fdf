#!/usr/bin/env python3
"""Keras training throughput of the original project's two CNNs, for side-by-side figures with `digitty bench`.

The original setup: batch 32, Adam 1e-3, pixels / 255, a random rotation of ±6° and width and height shifts of
±10% with fill "nearest" and bilinear sampling (Keras 3 has no ImageDataGenerator any more: its RandomRotation
and RandomTranslation layers, active in training only, do the same). Each epoch is timed on its own (the first includes graph
building), and the median of the later ones is reported as seconds per 60,000-image epoch.

    python3 Tests/Benchmarks/keras_train_bench.py --data ../shared/data/mnist --epochs 3 [--arch simple deep]

Needs tensorflow(-cpu) and keras (not a dependency of digitty; install them in a virtual environment).
"""
import argparse
import gzip
import json
import os
import statistics
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def build(arch, keras, rotation):
    layers = keras.layers
    augmentation = [layers.RandomRotation(rotation / 360, fill_mode="nearest", interpolation="bilinear", seed=1),
                    layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", interpolation="bilinear", seed=2)]
    if arch == "simple":
        body = [layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
                layers.Dense(128, activation="relu"), layers.Dropout(0.1)]
    else:
        body = [layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(),
                layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(),
                layers.Conv2D(128, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
                layers.Dense(256, activation="relu"), layers.Dropout(0.2)]
    model = keras.Sequential([keras.Input((28, 28, 1))] + augmentation + body + [layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data/mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--arch", nargs="+", default=["simple", "deep"])
    parser.add_argument("--rotation", type=float, default=6)
    args = parser.parse_args()

    import keras

    images = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).astype("float32")[..., None] / 255
    labels = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).astype("int64")
    results = {}
    for arch in args.arch:
        keras.utils.set_random_seed(1)
        model = build(arch, keras, args.rotation)
        times = []
        for _ in range(args.epochs):
            start = time.perf_counter()
            model.fit(images, labels, batch_size=32, epochs=1, shuffle=True, verbose=0)
            times.append(time.perf_counter() - start)
        later = times[1:] or times
        results[arch] = {"epoch_seconds": [round(t, 2) for t in times],
                         "median_seconds_per_epoch": round(statistics.median(later), 2),
                         "images_per_second": round(len(images) / statistics.median(later))}
    print(json.dumps({"keras": keras.__version__, "backend": keras.backend.backend(),
                      "cores": os.cpu_count(), "load_average": os.getloadavg(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
