#!/usr/bin/env bash
# The HTTP fuzzer of `digitty serve` (Tests/DigittyServerTests/Server/HTTPFuzzTests.swift) at length:
# FUZZ_CASES cases (default 100,000) against the built binary on 127.0.0.1. Not part of the test suite's default
# run, which does 2,000. Prints `fuzz http: cases N, rejects R, crashes C, hangs H`.
#
#   Tests/Benchmarks/serve_fuzz.sh
#   FUZZ_CASES=200000 Tests/Benchmarks/serve_fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ_CASES=${FUZZ_CASES:-100000} swift test --filter HTTPFuzzTests 2>&1 | grep -E "fuzz http:|passed|failed|error"
