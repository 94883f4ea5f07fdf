"""Writes MNIST test digit number N (default 0) as a 28×28 8-bit grey PNG: python3 make_png.py OUT.png [N]."""
import gzip
import sys

from PIL import Image

out, index = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
with gzip.open(sys.argv[3] if len(sys.argv) > 3 else "../shared/data/mnist/t10k-images-idx3-ubyte.gz") as f:
    data = f.read()
start = 16 + index * 784
Image.frombytes("L", (28, 28), data[start:start + 784]).save(out)
