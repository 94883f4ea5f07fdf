#!/usr/bin/env bash
# Benchmark of `digitty serve` against the original stack's shape (FastAPI + uvicorn + onnxruntime), both
# serving the same model (../shared/models/seed_simple_rot6.onnx) and measured the same way, taking turns,
# in one session. Not a test.
#
#   Tests/Benchmarks/serve_bench.sh            # from the package root; builds digitty in release first
#   REPEATS=3 DURATION=30 CONNECTIONS=64 UVICORN_WORKERS=2 Tests/Benchmarks/serve_bench.sh
#   DIGITTY=path/to/release/digitty ...        # skips the build
#   DIGITTY_BEFORE=path/to/older/digitty ...   # also measures an older build, in the same rounds
#
# Both servers run side by side (idle while the other is measured). Each round measures, for each server in
# turn: single-client POST /predict round trips (PNG in, JSON out) for SINGLE_DURATION s, then CONNECTIONS
# concurrent keep-alive clients for DURATION s (wrk + post_png.lua): requests/s, p50, p99, errors; and the
# server's resident memory (RSS) before and after the load. The summary gives the median of the rounds and
# the throughput ratio. Needs: wrk (apt), python3 with fastapi "uvicorn[standard]" onnxruntime pillow numpy
# (pip). uvicorn runs with httptools and uvloop, as FastAPI deployments do: its pure-Python h11 fallback stalls
# about 40 ms on every keep-alive POST here, which would make the comparison meaningless.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${SHARED:-$ROOT/../shared}
MODEL=${MODEL:-$SHARED/models/seed_simple_rot6.onnx}
REPEATS=${REPEATS:-3}
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
[ -f "$MODEL" ] || { echo "no model at $MODEL"; exit 1; }
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

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # name, base URL, pid: one round, appended to $WORK/<name>.single and $WORK/<name>.load
  local name=$1 url=$2 pid=$3
  local single; single=$(wrk -t1 -c1 -d"${SINGLE_DURATION}s" --latency -s Tests/Benchmarks/post_png.lua "$url" | grep RESULT)
  local before; before=$(rss_kb "$pid")
  local load; load=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s Tests/Benchmarks/post_png.lua "$url" | grep RESULT)
  local after; after=$(rss_kb "$pid")
  echo "$single" >> "$WORK/$name.single"
  echo "$load rss_before_kib=$before rss_after_kib=$after" >> "$WORK/$name.load"
  echo "$name single-client: $single"
  echo "$name $CONNECTIONS clients:   $load; RSS before ${before} KiB, after ${after} KiB; load average $(cut -d' ' -f1 /proc/loadavg)"
}

if [ -z "${DIGITTY:-}" ]; then
  echo "== building digitty (release)"
  swift build -c release --product digitty >/dev/null
  DIGITTY=$(swift build -c release --show-bin-path)/digitty
fi

DIGITTY_PORT=$((20000 + RANDOM % 20000))
"$DIGITTY" serve --port "$DIGITTY_PORT" --quiet --model "$MODEL" > "$WORK/digitty.log" 2>&1 &
PIDS+=($!)
DIGITTY_PID=$!
SERVERS=(digitty)
if [ -n "${DIGITTY_BEFORE:-}" ]; then
  BEFORE_PORT=$((DIGITTY_PORT + 2))
  "$DIGITTY_BEFORE" serve --port "$BEFORE_PORT" --quiet --model "$MODEL" > "$WORK/before.log" 2>&1 &
  PIDS+=($!)
  BEFORE_PID=$!
  SERVERS+=(before)
fi
SERVERS+=(fastapi)
FASTAPI_PORT=$((DIGITTY_PORT + 1))
(cd Tests/Benchmarks && DIGITTY_ONNX="$MODEL" exec python3 -m uvicorn fastapi_app:app \
   --host 127.0.0.1 --port "$FASTAPI_PORT" --workers "$UVICORN_WORKERS" --http httptools --loop uvloop --log-level warning) > "$WORK/uvicorn.log" 2>&1 &
PIDS+=($!)
FASTAPI_PID=$!
wait_up "http://127.0.0.1:$DIGITTY_PORT/healthz"
wait_up "http://127.0.0.1:$FASTAPI_PORT/docs"
[ -z "${BEFORE_PID:-}" ] || wait_up "http://127.0.0.1:$BEFORE_PORT/healthz"
echo "== $(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "digitty: $(curl -s -X POST --data-binary @"$DIGIT_PNG" -H 'Content-Type: image/png' "http://127.0.0.1:$DIGITTY_PORT/predict" | head -c 120)…"
echo "fastapi: $(curl -s -X POST --data-binary @"$DIGIT_PNG" -H 'Content-Type: image/png' "http://127.0.0.1:$FASTAPI_PORT/predict" | head -c 120)…"
# Warm up both.
wrk -t1 -c4 -d3s -s Tests/Benchmarks/post_png.lua "http://127.0.0.1:$DIGITTY_PORT" >/dev/null
wrk -t1 -c4 -d3s -s Tests/Benchmarks/post_png.lua "http://127.0.0.1:$FASTAPI_PORT" >/dev/null
[ -z "${BEFORE_PID:-}" ] || wrk -t1 -c4 -d3s -s Tests/Benchmarks/post_png.lua "http://127.0.0.1:$BEFORE_PORT" >/dev/null

for round in $(seq 1 "$REPEATS"); do
  echo "== round $round of $REPEATS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  measure digitty "http://127.0.0.1:$DIGITTY_PORT" "$DIGITTY_PID"
  [ -z "${BEFORE_PID:-}" ] || measure before "http://127.0.0.1:$BEFORE_PORT" "$BEFORE_PID"
  measure fastapi "http://127.0.0.1:$FASTAPI_PORT" "$FASTAPI_PID"
done

echo "== medians of $REPEATS rounds (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
for name in "${SERVERS[@]}"; do
  single_p50=$(while read -r line; do field p50_us "$line"; done < "$WORK/$name.single" | median)
  single_p99=$(while read -r line; do field p99_us "$line"; done < "$WORK/$name.single" | median)
  rps=$(while read -r line; do field rps "$line"; done < "$WORK/$name.load" | median)
  p50=$(while read -r line; do field p50_us "$line"; done < "$WORK/$name.load" | median)
  p99=$(while read -r line; do field p99_us "$line"; done < "$WORK/$name.load" | median)
  errors=$(while read -r line; do field errors "$line"; done < "$WORK/$name.load" | awk '{ s += $1 } END { print s }')
  echo "$name: single client p50 ${single_p50} us, p99 ${single_p99} us; $CONNECTIONS clients ${rps} req/s, p50 ${p50} us, p99 ${p99} us, errors ${errors}"
  printf -v "${name}_rps" '%s' "$rps"
done
ratio() { # numerator and denominator server names: the ratio of the medians, and each round's
  local rounds; rounds=$(paste -d' ' <(while read -r l; do field rps "$l"; done < "$WORK/$1.load") \
                                     <(while read -r l; do field rps "$l"; done < "$WORK/$2.load") | awk '{ printf "%.2f ", $1 / $2 }')
  local a=${1}_rps b=${2}_rps
  echo "throughput ratio $1 / $2: $(awk -v a="${!a}" -v b="${!b}" 'BEGIN { printf "%.2f", a / b }') (medians); per round: $rounds"
}
ratio digitty fastapi
[ -z "${BEFORE_PID:-}" ] || { ratio before fastapi; ratio digitty before; }
