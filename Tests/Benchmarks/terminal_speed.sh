#!/bin/sh
# Speed of the terminal app as a person meets it (a benchmark, not a test):
#   launch → first drawn frame, and prediction + redraw, in a real (tmux) terminal.
# Usage: swift build -c release --product digitty && sh Tests/Benchmarks/terminal_speed.sh [runs]
# Needs tmux. Uses DIGITTY_TRACE, which makes the app append timings to a file.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${DIGITTY_BINARY:-$root/.build/release/digitty}
runs=${1:-15}
socket=digitty-speed-$$
work=$(mktemp -d)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
[ -x "$binary" ] || { echo "build first: swift build -c release --product digitty" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# A session that lives throughout, so that killing a run's session never stops the server while the next run
# connects to it ("server exited unexpectedly").
tmux -L "$socket" -f /dev/null new-session -d -s hold -x 80 -y 24 "sleep 3600"

# Launch → first frame: wall clock before exec, and the app's own stamp after its first screen update.
for run in $(seq "$runs"); do
    rm -f "$work/trace" "$work/start"
    tmux -L "$socket" -f /dev/null new-session -d -s speed -x 120 -y 40 \
        "env LANG=C.UTF-8 DIGITTY_TRACE=$work/trace sh -c 'date +%s%N > $work/start; exec \"$binary\"'"
    for _ in $(seq 100); do grep -q first-frame "$work/trace" 2>/dev/null && break; sleep 0.05; done
    grep -q first-frame "$work/trace" 2>/dev/null || { echo "run $run: no first frame within 5 s" >&2; exit 1; }
    start=$(cat "$work/start"); frame=$(awk '/first-frame/ { print $2 }' "$work/trace")
    echo $(( (frame - start) / 1000 )) >> "$work/launch"
    # Prediction + redraw: strokes drawn with SGR mouse reports, each followed by a live prediction.
    if [ "$run" -eq 1 ]; then
        for stroke in $(seq 30); do
            row=$(( 4 + stroke % 20 ))
            tmux -L "$socket" send-keys -t speed -l "$(printf '\033[<0;10;%dM\033[<32;30;%dM\033[<32;50;%dM\033[<0;50;%dm' $row $row $row $row)"
            sleep 0.05
        done
        sleep 0.3
        awk '/predict-draw/ { print $2 / 1000 }' "$work/trace" > "$work/predict"
    fi
    tmux -L "$socket" kill-session -t speed 2>/dev/null || true
done
echo "machine: $(nproc) cores, load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo "launch to first frame: median $(median < "$work/launch") µs over $runs launches (release, default model, 120×40)"
echo "prediction + redraw:   median $(median < "$work/predict") µs, max $(sort -n "$work/predict" | tail -1) µs over $(wc -l < "$work/predict") strokes"
