#!/bin/sh
# The validation figures that choose between candidate models (a benchmark of accuracy, not a test), from MNIST's
# validation split only: each candidate is calibrated on validation data (`digitty calibrate`, "not a digit" at
# the threshold that rejects at most FALSE_REJECTION of the validation digits), then read on the validation digits
# (top digit) and on the same digits at optdigits-like low resolution (validation_sets.py), with the share of those
# given the "not a digit" verdict. Test data and optdigits are never read here.
# Usage: swift build -c release --product digitty && sh Tests/Benchmarks/choose_model.sh candidate.safetensors...
# The validation junk is 1,000 pictures of each kind (JUNK sets another count): 1,200 in all, the count the model card's
# candidate tables up to O used, could not separate candidates a seed apart.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${DIGITTY_BINARY:-$root/.build/release/digitty}
python=${PYTHON:-$root/.venv/bin/python}
data=${DIGITTY_DATA:-$root/../shared/data/mnist}
rejection=${FALSE_REJECTION:-0.003}
junk_per_kind=${JUNK:-1000}  # validation junk pictures of each of the six kinds
[ -x "$binary" ] || { echo "build first: swift build -c release --product digitty" >&2; exit 1; }
[ -x "$python" ] || { echo "make the venv first: bash .ci/setup tests" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 candidate.safetensors..." >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" "$root/Tests/Benchmarks/validation_sets.py" "$data" "$work"

# Share of the readings (JSON lines on stdin) whose label is the file name's digit (or, with a labels file, that
# file's byte at the reading's index).
accuracy() {
    "$python" -c '
import json, sys
labels = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else None
rows = [json.loads(line) for line in sys.stdin]
truth = [labels[r["index"]] if labels else int(r["file"].split("_")[1].split(".")[0]) for r in rows]
print("%.2f%%" % (100 * sum(r["label"] == t for r, t in zip(rows, truth)) / len(rows)))' "$@"
}

# Share of the readings (JSON lines on stdin) given the "not a digit" verdict.
rejected() {
    "$python" -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
print("%.1f%%" % (100 * sum(r["verdict"] == "not_a_digit" for r in rows) / len(rows)))'
}

echo "| candidate | validation digits (top digit) | NLL (calibrated) | not a digit at | validation digits rejected | validation junk rejected | low resolution, stretched | low resolution, aspect kept | low resolution rejected (stretched / kept) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for model in "$@"; do
    model=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
    calibrated=$work/$(basename "$model")
    fit=$("$binary" calibrate --model "$model" --data "$data" --false-rejection "$rejection" --junk "$junk_per_kind" --output "$calibrated" 2>&1)
    nll=$(echo "$fit" | sed -n 's/.*NLL [0-9.]* → \([0-9.]*\),.*/\1/p')
    threshold=$(echo "$fit" | sed -n 's/^not a digit at \([0-9.]*\) or more.*/\1/p')
    rejected=$(echo "$fit" | sed -n 's/.* \([0-9.]*%\) of validation digits rejected.*/\1/p')
    junk=$(echo "$fit" | sed -n 's/.*, \([0-9.]*%\) of [0-9]* validation junk.*/\1/p')
    digits=$("$binary" predict --model "$calibrated" --json "$work/validation-images-idx3-ubyte" | accuracy "$work/validation-labels")
    (cd "$work/lowres-stretch" && ls | xargs "$binary" predict --model "$calibrated" --json) > "$work/stretched.jsonl"
    (cd "$work/lowres-keep" && ls | xargs "$binary" predict --model "$calibrated" --json) > "$work/kept.jsonl"
    stretched=$(accuracy < "$work/stretched.jsonl") kept=$(accuracy < "$work/kept.jsonl")
    lowres_rejected="$(rejected < "$work/stretched.jsonl") / $(rejected < "$work/kept.jsonl")"
    echo "| \`$(basename "$model")\` | $digits | $nll | $threshold | $rejected | $junk | $stretched | $kept | $lowres_rejected |"
done
