#!/bin/sh
# Builds the HTTP API's request-body fuzzer with clang (libFuzzer + AddressSanitizer) and runs it.
#   scripts/fuzz-api.sh [SECONDS]    default 300
# Seeds come from src/api/fuzz/corpus/; each starts with the byte that selects which route's
# fields are read (src/api/fuzz/body_fuzz.cpp).
set -eu
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-300}
BUILD=build-fuzz
CC=clang CXX=clang++ cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFIGURANT_FUZZ=ON -DFIGURANT_BENCH=OFF > /dev/null
cmake --build $BUILD --target api_body_fuzz
WORK=$BUILD/api-fuzz-corpus
mkdir -p $WORK
exec $BUILD/src/api/api_body_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=70000 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 $WORK src/api/fuzz/corpus
