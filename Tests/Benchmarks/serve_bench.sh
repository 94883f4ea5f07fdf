#!/usr/bin/env bash
# Benchmark of `digitty serve` against the original stack's shape (FastAPI + uvicorn + onnxruntime serving
# ../shared/models/seed_simple_rot6.onnx), measured the same way in one session. Not a test.
#
#   Tests/Benchmarks/serve_bench.sh            # from the package root; builds digitty in release first
#   DURATION=30 CONNECTIONS=64 UVICORN_WORKERS=2 Tests/Benchmarks/serve_bench.sh
#
# Each server gets: single-client POST /predict round trips (PNG in, JSON out) for 10 s, median and p99;
# then 64 concurrent keep-alive clients for 30 s (wrk + post_png.lua): requests/s, p50, p99, errors;
# and the server's resident memory (RSS) before and after the load.
# Needs: wrk (apt), python3 with fastapi uvicorn onnxruntime pillow numpy (pip).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
DURATION=${DURATION:-30}
SINGLE_DURATION=${SINGLE_DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
UVICORN_WORKERS=${UVICORN_WORKERS:-2}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
python3 Tests/Benchmarks/make_png.py "$WORK/digit.png" 0 "$SHARED/data/mnist/t10k-images-idx3-ubyte.gz"
export DIGIT_PNG=$WORK/digit.png

rss_kb() { # total RSS of a process and its children, in KiB
  local total=0 pid
  for pid in $1 $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server at $1 did not start"; exit 1; }

measure() { # name, base URL, pid
  local name=$1 url=$2 pid=$3
  # Warm up.
  wrk -t1 -c4 -d3s -s Tests/Benchmarks/post_png.lua "$url" >/dev/null
  local before; before=$(rss_kb "$pid")
  local single; single=$(wrk -t1 -c1 -d"${SINGLE_DURATION}s" --latency -s Tests/Benchmarks/post_png.lua "$url" | grep RESULT)
  local load; load=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s Tests/Benchmarks/post_png.lua "$url" | grep RESULT)
  local after; after=$(rss_kb "$pid")
  echo "$name single-client: $single"
  echo "$name $CONNECTIONS clients:   $load"
  echo "$name RSS: before ${before} KiB, after ${after} KiB"
}

if [ -z "${DIGITTY:-}" ]; then  # DIGITTY=path/to/release/digitty skips the build
  echo "== building digitty (release)"
  swift build -c release --product digitty >/dev/null
  DIGITTY=$(swift build -c release --show-bin-path)/digitty
fi

echo "== digitty serve"
PORT=$((20000 + RANDOM % 20000))
"$DIGITTY" serve --port "$PORT" --quiet > "$WORK/digitty.log" 2>&1 &
PIDS+=($!)
DIGITTY_PID=$!
wait_up "http://127.0.0.1:$PORT/healthz"
curl -s -X POST --data-binary @"$DIGIT_PNG" -H 'Content-Type: image/png' "http://127.0.0.1:$PORT/predict" | head -c 200; echo
measure digitty "http://127.0.0.1:$PORT" "$DIGITTY_PID"
kill -TERM "$DIGITTY_PID"; wait "$DIGITTY_PID" || true

echo "== FastAPI + uvicorn ($UVICORN_WORKERS workers) + onnxruntime"
PORT=$((20000 + RANDOM % 20000))
(cd Tests/Benchmarks && DIGITTY_ONNX="$SHARED/models/seed_simple_rot6.onnx" exec python3 -m uvicorn fastapi_app:app \
   --host 127.0.0.1 --port "$PORT" --workers "$UVICORN_WORKERS" --log-level warning) > "$WORK/uvicorn.log" 2>&1 &
PIDS+=($!)
UVICORN_PID=$!
wait_up "http://127.0.0.1:$PORT/docs"
curl -s -X POST --data-binary @"$DIGIT_PNG" -H 'Content-Type: image/png' "http://127.0.0.1:$PORT/predict" | head -c 200; echo
measure fastapi "http://127.0.0.1:$PORT" "$UVICORN_PID"
