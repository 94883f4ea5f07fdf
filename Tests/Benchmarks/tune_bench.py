#!/usr/bin/env python3
"""Times `digitty tune` on 200 taught drawings (MNIST test digits 0-199 written as 28x28 canvas PNGs, one
folder per digit, as the app saves them), with MNIST replayed, in a release build.

    swift build -c release --product digitty
    python3 Tests/Benchmarks/tune_bench.py [--drawings 200] [--repeats 3] [--binary .build/release/digitty]

Prints each run's wall time and the median. Python only writes the drawings and runs the binary."""
import argparse, gzip, os, shutil, struct, subprocess, sys, tempfile, time, zlib

def png(pixels, width=28, height=28):
    raw = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    parser.add_argument("--drawings", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(root, ".build/release/digitty"))
    parser.add_argument("--data", default=os.path.join(os.path.dirname(root), "shared/data/mnist"))
    args = parser.parse_args()
    with gzip.open(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")) as f:
        images = f.read()[16:]
    with gzip.open(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = f.read()[8:]
    work = tempfile.mkdtemp(prefix="digitty-tune-bench-")
    try:
        drawings = os.path.join(work, "drawings")
        for index in range(args.drawings):
            folder = os.path.join(drawings, str(labels[index]))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "mnist-%05d.png" % index), "wb") as f:
                f.write(png(images[index * 784:(index + 1) * 784]))
        times = []
        for run in range(args.repeats):
            output = os.path.join(work, "personal-%d.safetensors" % run)
            start = time.monotonic()
            result = subprocess.run([args.binary, "tune", "--drawings", drawings, "--output", output, "--data", args.data],
                                    stderr=subprocess.PIPE, text=True)
            seconds = time.monotonic() - start
            last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
            print("run %d: %.1f s, exit %d: %s" % (run + 1, seconds, result.returncode, last))
            times.append(seconds)
        times.sort()
        print("median of %d: %.1f s for %d drawings (load average %s)"
              % (len(times), times[len(times) // 2], args.drawings, os.getloadavg()))
    finally:
        shutil.rmtree(work)

if __name__ == "__main__":
    sys.exit(main())
