"""Writes the validation sets that choose between candidate models (Tests/Benchmarks/choose_model.sh), all made
from MNIST's validation split (the last 5,000 training images), never from test data or optdigits:

  validation-images-idx3-ubyte   the 5,000 validation digits as an IDX file, and validation-labels (one byte each)
  lowres-stretch/<index>_<label>.pgm
  lowres-keep/<index>_<label>.pgm
                                 the same digits at low resolution, made the way UCI describes its optdigits:
                                 the ink box scaled to a 32x32 bitmap (stretched to fill it, or its aspect kept
                                 and centred), binarised at half ink, and each 4x4 block's ink pixels counted into
                                 an 8x8 image of grey levels 0-16

    python3 validation_sets.py MNIST_DIR OUTPUT_DIR
"""
import gzip
import os
import struct
import sys

import numpy as np
from PIL import Image

VALIDATION = 5000


def low_resolution(digit, stretch):
    ys, xs = np.nonzero(digit)
    box = digit[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    height, width = box.shape
    if stretch:
        bitmap = np.asarray(Image.fromarray(box).resize((32, 32), Image.BILINEAR))
    else:
        scale = 32 / max(height, width)
        h, w = max(1, round(height * scale)), max(1, round(width * scale))
        bitmap = np.zeros((32, 32), np.uint8)
        top, left = (32 - h) // 2, (32 - w) // 2
        bitmap[top:top + h, left:left + w] = np.asarray(Image.fromarray(box).resize((w, h), Image.BILINEAR))
    counts = (bitmap >= 128).astype(np.uint8).reshape(8, 4, 8, 4).sum(axis=(1, 3))
    return counts.astype(np.uint8)


def main(mnist, output):
    with gzip.open(os.path.join(mnist, "train-images-idx3-ubyte.gz")) as file:
        images = np.frombuffer(file.read()[16:], np.uint8).reshape(-1, 28, 28)[-VALIDATION:]
    with gzip.open(os.path.join(mnist, "train-labels-idx1-ubyte.gz")) as file:
        labels = np.frombuffer(file.read()[8:], np.uint8)[-VALIDATION:]
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, "validation-images-idx3-ubyte"), "wb") as file:
        file.write(struct.pack(">IIII", 2051, VALIDATION, 28, 28) + images.tobytes())
    with open(os.path.join(output, "validation-labels"), "wb") as file:
        file.write(labels.tobytes())
    for name, stretch in (("lowres-stretch", True), ("lowres-keep", False)):
        os.makedirs(os.path.join(output, name), exist_ok=True)
        for index, (digit, label) in enumerate(zip(images, labels)):
            with open(os.path.join(output, name, "%04d_%d.pgm" % (index, label)), "wb") as file:
                file.write(b"P5\n8 8\n16\n" + low_resolution(digit, stretch).tobytes())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
