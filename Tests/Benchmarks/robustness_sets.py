"""Writes the image sets digitty's robustness benchmark reads through `digitty predict`, from Python (for the
benchmark only; digitty never runs Python):

  optdigits/<index>_<label>.pgm  UCI's optdigits as scikit-learn ships it (load_digits: 1,797 digits, 8x8,
                                 grey levels 0-16, ink high), as 8x8 PGM images, ink white on black
  letters/<font>_<code>.pgm      letters that look like no digit, rendered 64x64 in every TrueType font of the
                                 installed Debian font packages (black on white, as on paper)

Nothing here is ever trained or chosen on; these sets only report.

    python3 robustness_sets.py OUTPUT_DIR
"""
import glob
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from sklearn.datasets import load_digits

# Letters that look like a digit are left out: O o Q D (0), I l i j (1), Z z (2), S s (5), b G (6),
# T (7 in some hands), B (8), g q a (9), and y.
LETTERS = "ACEFHKMNPRUVWXYcefhkmnprtuvwx"
FONT_GLOBS = ["/usr/share/fonts/truetype/**/*.ttf", "/usr/share/fonts/opentype/**/*.otf"]


def pgm(path, pixels):
    height, width = pixels.shape
    with open(path, "wb") as file:
        file.write(b"P5\n%d %d\n255\n" % (width, height))
        file.write(pixels.astype(np.uint8).tobytes())


def main(output):
    digits = load_digits()
    os.makedirs(os.path.join(output, "optdigits"), exist_ok=True)
    for index, (image, label) in enumerate(zip(digits.images, digits.target)):
        pgm(os.path.join(output, "optdigits", "%04d_%d.pgm" % (index, label)), np.round(image * 255 / 16))

    os.makedirs(os.path.join(output, "letters"), exist_ok=True)
    fonts = sorted(set(path for pattern in FONT_GLOBS for path in glob.glob(pattern, recursive=True)))
    for font_path in fonts:
        try:
            font = ImageFont.truetype(font_path, 44)
        except OSError:
            continue
        name = os.path.splitext(os.path.basename(font_path))[0]
        for letter in LETTERS:
            image = Image.new("L", (64, 64), 255)
            draw = ImageDraw.Draw(image)
            left, top, right, bottom = draw.textbbox((0, 0), letter, font=font)
            if right <= left or bottom <= top:
                continue
            draw.text(((64 - (right - left)) / 2 - left, (64 - (bottom - top)) / 2 - top), letter, font=font, fill=0)
            pixels = np.asarray(image)
            if pixels.min() > 128:  # the font has no such glyph
                continue
            pgm(os.path.join(output, "letters", "%s_%d.pgm" % (name, ord(letter))), pixels)


if __name__ == "__main__":
    main(sys.argv[1])
