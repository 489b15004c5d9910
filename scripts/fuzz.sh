#!/bin/sh
# Builds a fuzzer with clang (libFuzzer + AddressSanitizer) and runs it.
#   scripts/fuzz.sh [SECONDS]        the ingest fuzzer, default 600 s
#   scripts/fuzz.sh api [SECONDS]    the HTTP API's request-body fuzzer, default 300 s
# Seeds come from src/scan/fuzz/corpus/ (src/api/fuzz/corpus/), each prefixed with the byte that
# selects its format (the route whose fields are read).
set -eu
cd "$(dirname "$0")/.."
BUILD=build-fuzz
CC=clang CXX=clang++ cmake -S . -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFIGURANT_FUZZ=ON -DFIGURANT_BENCH=OFF > /dev/null
if [ "${1:-}" = api ]; then
  cmake --build $BUILD --target api_body_fuzz
  mkdir -p $BUILD/api-fuzz-corpus
  exec $BUILD/src/api/api_body_fuzz -max_total_time="${2:-300}" -max_len=70000 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 $BUILD/api-fuzz-corpus src/api/fuzz/corpus
fi
SECONDS_TO_RUN=${1:-600}
cmake --build $BUILD --target scan_fuzz
SEEDS=$BUILD/fuzz-seeds
WORK=$BUILD/fuzz-corpus
mkdir -p $SEEDS $WORK
for f in src/scan/fuzz/corpus/*; do
  case "${f##*.}" in
    obj) hint='\000' ;; ply) hint='\001' ;; gltf) hint='\002' ;; glb) hint='\003' ;;
    dae) hint='\004' ;; fbx) hint='\005' ;; stl) hint='\006' ;; *) hint='\007' ;;
  esac
  { printf "$hint"; cat "$f"; } > "$SEEDS/$(basename "$f")"
done
# Huge allocations become std::bad_alloc (caught and reported) rather than ASan aborts.
ASAN_OPTIONS=allocator_may_return_null=1 exec $BUILD/src/scan/scan_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -rss_limit_mb=4096 -timeout=30 \
  -print_final_stats=1 $WORK $SEEDS
