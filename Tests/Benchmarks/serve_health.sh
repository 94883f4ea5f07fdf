#!/usr/bin/env bash
# Health probes of `digitty serve` under two loads that once starved them (loopback only, bounded in time).
# Not a test.
#   1. IDLE connections (default 5,000) that send nothing, held open while PROBES `GET /healthz` are sent;
#   2. CLIENTS keep-alive clients (default 64) posting a SIDE×SIDE PNG (default 2048², an MNIST digit scaled
#      up) for DURATION s with wrk, while PROBES `GET /healthz` are sent.
# Each probe opens a new connection and is timed from connect to the whole answer (Tests/Benchmarks/health_probe.py).
# Target: every probe answered within 50 ms.
#
#   Tests/Benchmarks/serve_health.sh                      # from the package root; builds digitty in release first
#   DIGITTY=path/to/release/digitty IDLE=5000 CLIENTS=64 DURATION=20 PROBES=100 Tests/Benchmarks/serve_health.sh
#   DIGITTY_BEFORE=path/to/older/digitty ...              # also measures an older build, after the first
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$PWD/../shared}
MODEL=${MODEL:-$SHARED/models/seed_simple_rot6.onnx}
IDLE=${IDLE:-5000}
CLIENTS=${CLIENTS:-64}
DURATION=${DURATION:-20}
PROBES=${PROBES:-100}
SIDE=${SIDE:-2048}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
if [ -z "${DIGITTY:-}" ]; then
  echo "== building digitty (release)"
  swift build -c release --product digitty >/dev/null
  DIGITTY=$(swift build -c release --show-bin-path)/digitty
fi
WORK=$(mktemp -d)
PID=
cleanup() { [ -z "$PID" ] || kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
python3 Tests/Benchmarks/make_png.py "$WORK/large.png" 0 "$SHARED/data/mnist/t10k-images-idx3-ubyte.gz" "$SIDE"
echo "== $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${SIDE}² PNG of $(stat -c %s "$WORK/large.png") bytes"

measure() { # name, binary
  local name=$1 binary=$2 port=$((20000 + RANDOM % 20000))
  "$binary" serve --port "$port" --quiet --model "$MODEL" > "$WORK/$name.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
  echo "$name: soft limit of open files $(awk '/Max open files/ {print $4}' "/proc/$PID/limits")"
  timeout 300 python3 Tests/Benchmarks/health_probe.py "$port" --idle "$IDLE" --probes "$PROBES" --interval 0.05 \
    --label "$name with $IDLE idle connections" | grep RESULT || echo "$name: idle-connection probes did not finish"
  # Let the idle connections' closing settle before the second load.
  sleep 2
  DIGIT_PNG=$WORK/large.png wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s --latency -s Tests/Benchmarks/post_png.lua \
    "http://127.0.0.1:$port" > "$WORK/$name.wrk" 2>&1 &
  local wrk_pid=$!
  sleep 2
  timeout $((DURATION + 120)) python3 Tests/Benchmarks/health_probe.py "$port" --probes "$PROBES" \
    --interval "$(awk -v d="$DURATION" -v p="$PROBES" 'BEGIN { printf "%.3f", (d - 4) / p }')" \
    --label "$name with $CLIENTS clients posting ${SIDE}² PNGs" | grep RESULT || echo "$name: probes under load did not finish"
  wait "$wrk_pid" || true
  echo "$name load: $(grep RESULT "$WORK/$name.wrk" || tail -3 "$WORK/$name.wrk")"
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
}

measure digitty "$DIGITTY"
[ -z "${DIGITTY_BEFORE:-}" ] || measure before "$DIGITTY_BEFORE"
