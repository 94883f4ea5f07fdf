#!/bin/sh
# The robustness targets of issue #17 for every shipped model (a benchmark of accuracy, not a test):
#   MNIST test accuracy, ECE before and after calibration, verdicts on the test digits (false rejection),
#   generated test junk (rejection per kind, AUROC) and held-out handwriting styles (all from `digitty eval
#   --robustness`, whose test seed nothing is trained or chosen on), then optdigits (UCI, via scikit-learn)
#   and letters rendered from the installed fonts, both through `digitty predict` as files. optdigits is read by
#   its top digit (the issue's figure); the share of its digits given the "not a digit" verdict is shown beside.
# Usage: swift build -c release --product digitty && sh Tests/Benchmarks/robustness.sh [model...]
# Needs the project venv: python3 -m venv .venv && .venv/bin/pip install numpy scikit-learn pillow
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${DIGITTY_BINARY:-$root/.build/release/digitty}
python=${PYTHON:-$root/.venv/bin/python}
data=${DIGITTY_DATA:-$root/../shared/data/mnist}
[ -x "$binary" ] || { echo "build first: swift build -c release --product digitty" >&2; exit 1; }
[ -x "$python" ] || { echo "make the venv first: python3 -m venv .venv && .venv/bin/pip install numpy scikit-learn pillow" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ $# -gt 0 ] || set -- "$root"/Models/*.safetensors

"$python" "$root/Tests/Benchmarks/robustness_sets.py" "$work"
echo "optdigits: $(ls "$work/optdigits" | wc -l) digits; letters: $(ls "$work/letters" | wc -l) pictures from $(ls "$work/letters" | sed 's/_[0-9]*\.pgm$//' | sort -u | wc -l) fonts"

for model in "$@"; do
    model=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
    name=$(basename "$model")
    "$binary" eval --model "$model" --data "$data" --robustness --wrong 0 --json > "$work/$name.eval.json"
    (cd "$work/optdigits" && ls | xargs "$binary" predict --model "$model" --json) > "$work/$name.optdigits.jsonl"
    (cd "$work/letters" && ls | xargs "$binary" predict --model "$model" --json) > "$work/$name.letters.jsonl"
done

"$python" - "$work" "$@" <<'PY'
import json, os, sys
from collections import Counter

work, models = sys.argv[1], sys.argv[2:]
rows = []
for model in models:
    name = os.path.basename(model)
    report = json.load(open(os.path.join(work, name + ".eval.json")))
    section = report["calibration"]
    opt = [json.loads(line) for line in open(os.path.join(work, name + ".optdigits.jsonl"))]
    per_class = Counter(); right = Counter()
    for reading in opt:
        label = int(reading["file"].split("_")[1].split(".")[0])
        per_class[label] += 1
        right[label] += reading["label"] == label
    opt_rejected = sum(r["verdict"] == "not_a_digit" for r in opt) / len(opt)
    letters = [json.loads(line) for line in open(os.path.join(work, name + ".letters.jsonl"))]
    letter_rejection = sum(r["verdict"] == "not_a_digit" for r in letters) / len(letters)
    styles = section["styleAccuracy"]
    held = section["heldOutStyles"]
    junk_all = (section["junkRejectionAll"] * sum(1 for _ in section["junkRejection"]) + letter_rejection) / (len(section["junkRejection"]) + 1)
    rows.append((name, report["accuracy"], sum(right.values()) / len(opt), min(right[c] / per_class[c] for c in range(10)),
                 min(range(10), key=lambda c: right[c] / per_class[c]),
                 sum(styles[k] for k in styles if k not in held) / (len(styles) - len(held)),
                 sum(styles[k] for k in held) / len(held), section["eceRaw"], section["eceCalibrated"],
                 section["junkRejectionAll"], letter_rejection, junk_all, section["falseRejection"], section["auroc"],
                 opt_rejected))
    print("%s: optdigits per class %s" % (name, " ".join("%d %.1f%%" % (c, 100 * right[c] / per_class[c]) for c in range(10))))
    print("%s: junk per kind %s, font letters %.1f%%" % (name, ", ".join("%s %.1f%%" % (k, 100 * v) for k, v in sorted(section["junkRejection"].items())), 100 * letter_rejection))
    print("%s: styles %s" % (name, ", ".join("%s %.1f%%" % (k, 100 * v) for k, v in sorted(styles.items()))))

print()
print("| model | MNIST test | optdigits | worst optdigits class | optdigits rejected | styles trained | styles held out | ECE raw | ECE shown | junk rejected (generated) | font letters rejected | junk rejected (all 7 kinds) | MNIST falsely rejected | AUROC |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| `%s` | %.2f%% | %.2f%% | %d: %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.2f%% | %.2f%% | %.1f%% | %.1f%% | %.1f%% | %.2f%% | %.4f |"
          % (r[0], 100 * r[1], 100 * r[2], r[4], 100 * r[3], 100 * r[14], 100 * r[5], 100 * r[6], 100 * r[7], 100 * r[8], 100 * r[9],
             100 * r[10], 100 * r[11], 100 * r[12], r[13]))
print("targets: MNIST >= 99.6%; optdigits >= 98%, every class >= 95%; junk rejected >= 95%; false rejection <= 0.3%; ECE <= 0.5%")
PY
