#!/bin/sh
# Every fuzz suite of the project, long: a release build, then each test suite whose name ends in `FuzzTests`
# run with FUZZ_CASES cases (default 100000), printing each campaign's line
#   fuzz NAME: cases N, rejects R, crashes C, hangs H
# and the first crashes or hangs if there are any. Exit status 1 if any suite failed (a trap kills its runner:
# that shows here as a failed suite without a summary line).
# Usage: sh Tests/Benchmarks/fuzz.sh [cases]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cases=${1:-${FUZZ_CASES:-100000}}
cd "$root"
# Release code, as shipped; -enable-testing because the tests use @testable imports. Its own build directory,
# so that the flags do not force a rebuild of the ordinary release build.
flags="-c release --scratch-path .build-fuzz -Xswiftc -enable-testing"
swift build $flags --build-tests >&2
suites=$(swift test $flags --skip-build list 2>/dev/null | sed -n 's|^\([A-Za-z0-9_]*\.[A-Za-z0-9_]*FuzzTests\)/.*|\1|p' | sort -u)
[ -n "$suites" ] || { echo "fuzz.sh: no test suite named …FuzzTests found" >&2; exit 1; }
echo "fuzz.sh: $cases cases per campaign; suites: $(echo $suites)" >&2
status=0
for suite in $suites; do
    log=$(mktemp)
    if FUZZ_CASES=$cases swift test $flags --skip-build --filter "$suite/" >"$log" 2>&1; then
        grep -E '^(fuzz |  )' "$log" || true
    else
        grep -E '^(fuzz |  )' "$log" || true
        echo "$suite: FAILED (log below)"
        tail -n 30 "$log"
        status=1
    fi
    rm -f "$log"
done
exit $status
