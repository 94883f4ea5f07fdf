"""Writes MNIST test digit number N (default 0) as an 8-bit grey PNG, 28×28 or scaled up to SIDE×SIDE:
python3 make_png.py OUT.png [N] [t10k-images-idx3-ubyte.gz] [SIDE]."""
import gzip
import sys

from PIL import Image

out, index = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
with gzip.open(sys.argv[3] if len(sys.argv) > 3 else "../shared/data/mnist/t10k-images-idx3-ubyte.gz") as f:
    data = f.read()
side = int(sys.argv[4]) if len(sys.argv) > 4 else 28
start = 16 + index * 784
image = Image.frombytes("L", (28, 28), data[start:start + 784])
if side != 28:
    image = image.resize((side, side), Image.BILINEAR)
image.save(out)
