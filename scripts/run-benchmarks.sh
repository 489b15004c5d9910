#!/bin/sh
# Runs every Google Benchmark suite under bench/ once (`make bench`), printing the tables and
# writing each suite's results as JSON to BUILD_DIR/bench-results/SUITE.json, for comparing runs
# (e.g. with Google Benchmark's tools/compare.py, or by reading two JSON files side by side).
# The Blender peer comparison is separate: bench/peers/README.md.
#   scripts/run-benchmarks.sh BUILD_DIR [FILTER]   FILTER: a --benchmark_filter regex
set -eu
build=${1:?usage: scripts/run-benchmarks.sh BUILD_DIR [FILTER]}
filter=${2:-.}
out="$build/bench-results"
mkdir -p "$out"
for suite in crowd/crowd_bench nav/nav_bench ledger/ledger_bench scan/scan_bench render/render_bench; do
  bin="$build/bench/$suite"
  if [ ! -x "$bin" ]; then
    echo "run-benchmarks: $bin is missing (build with -DFIGURANT_BENCH=ON)" >&2
    exit 1
  fi
  name=$(basename "$suite")
  echo "== $name"
  "$bin" --benchmark_filter="$filter" --benchmark_out="$out/$name.json" --benchmark_out_format=json
done
echo "run-benchmarks: results in $out/"
