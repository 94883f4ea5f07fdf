#!/usr/bin/env python3
"""ONNX Runtime's figures for an ONNX digit model, to compare with `digitty bench --model M.onnx` in the
same session on the same machine (pip install onnxruntime numpy).

    onnxruntime_bench.py [MODEL.onnx] [--runs 10000] [--batch 10000] [--repeats 5]

Prints one JSON object: single-image latency (1 thread, median and p99 over --runs), 10,000-image batch
throughput with 1 and 2 threads (median of --repeats), and the session load time. Images are MNIST-like
strokes in 0…1 so that the work matches digitty's benchmark.
"""
import argparse
import json
import os
import time

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "..", "..", "..", "shared", "models", "seed_simple_rot6.onnx")


def images(count, seed=7):
    rng = np.random.default_rng(seed)
    result = np.zeros((count, 28, 28), dtype=np.float32)
    for index in range(count):
        cx, cy = rng.uniform(11, 17, 2)
        rx, ry = rng.uniform(4, 7), rng.uniform(5, 8)
        for angle in np.linspace(0, 2 * np.pi * rng.uniform(0.6, 1.0), 80):
            x, y = int(cx + rx * np.cos(angle)), int(cy + ry * np.sin(angle))
            result[index, max(0, y - 1):y + 1, max(0, x - 1):x + 1] = 1.0
    return result


def session(model, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def feed(sess, batch):
    spec = sess.get_inputs()[0]
    shape = [batch.shape[0]] + [d if isinstance(d, int) else -1 for d in spec.shape[1:]]
    return {spec.name: batch.reshape(shape)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", nargs="?", default=DEFAULT_MODEL)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    data = images(max(args.batch, 1000))
    start = time.perf_counter()
    single = session(args.model, 1)
    load_ms = (time.perf_counter() - start) * 1e3

    feeds = [feed(single, data[i:i + 1]) for i in range(1000)]
    for i in range(args.runs // 10):  # warm-up
        single.run(None, feeds[i % 1000])
    latencies = []
    for i in range(args.runs):
        start = time.perf_counter()
        single.run(None, feeds[i % 1000])
        latencies.append(time.perf_counter() - start)
    latencies.sort()

    throughput = {}
    for threads in (1, 2):
        sess = session(args.model, threads)
        batch = feed(sess, data[:args.batch])
        sess.run(None, batch)
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            sess.run(None, batch)
            times.append(time.perf_counter() - start)
        throughput[threads] = args.batch / float(np.median(times))

    print(json.dumps({
        "runtime": f"onnxruntime {ort.__version__}",
        "model": os.path.basename(args.model),
        "cores": os.cpu_count(),
        "loadMillisecondsMedian": load_ms,
        "latencyMicrosecondsMedian": latencies[len(latencies) // 2] * 1e6,
        "latencyMicrosecondsP99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e6,
        "latencyRuns": len(latencies),
        "batchSize": args.batch,
        "batchImagesPerSecond1Thread": throughput[1],
        "batchImagesPerSecond2Threads": throughput[2],
    }, sort_keys=True))


if __name__ == "__main__":
    main()
