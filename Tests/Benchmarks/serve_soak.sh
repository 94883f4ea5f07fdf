#!/usr/bin/env bash
# Memory soak of `digitty serve`: ROUNDS back-to-back loads of CONNECTIONS keep-alive clients posting a PNG
# for DURATION s each (wrk + post_png.lua), printing throughput, latency, errors and the server's resident
# memory (RSS) after every round, so one can see whether memory levels off or keeps growing. Not a test.
#
#   DIGITTY=.build/release/digitty ROUNDS=10 DURATION=30 Tests/Benchmarks/serve_soak.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$PWD/../shared}
MODEL=${MODEL:-$SHARED/models/seed_simple_rot6.onnx}
ROUNDS=${ROUNDS:-10}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-64}
DIGITTY=${DIGITTY:-$(swift build -c release --show-bin-path)/digitty}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
[ -x "$DIGITTY" ] || { echo "no digitty binary at $DIGITTY (swift build -c release --product digitty)"; exit 1; }
WORK=$(mktemp -d)
python3 Tests/Benchmarks/make_png.py "$WORK/digit.png" 0 "$SHARED/data/mnist/t10k-images-idx3-ubyte.gz"
export DIGIT_PNG=$WORK/digit.png
PORT=$((20000 + RANDOM % 20000))
"$DIGITTY" serve --port "$PORT" --quiet --model "$MODEL" > "$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); RSS at start $(rss) KiB"
for round in $(seq 1 "$ROUNDS"); do
  result=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s Tests/Benchmarks/post_png.lua \
             "http://127.0.0.1:$PORT" | grep RESULT)
  echo "round $round: $result rss_kib=$(rss)"
done
