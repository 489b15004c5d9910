#!/bin/sh
# Lint as CI runs it (registered as ctest cases labelled `lint`):
#   scripts/lint.sh format BUILD_DIR   clang-format --dry-run on every source file
#   scripts/lint.sh tidy BUILD_DIR     clang-tidy (.clang-tidy) on every library and app source
set -eu
mode=$1
build=$2
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.cpp' 'src/*.h' 'apps/*.cpp' 'apps/*.h' 'bench/*.cpp' 'tests/*.cpp' 2>/dev/null ||
        find src apps bench tests -name '*.cpp' -o -name '*.h')
case "$mode" in
  format)
    # shellcheck disable=SC2086
    clang-format --dry-run --Werror $files
    ;;
  tidy)
    srcs=$(echo "$files" | tr ' ' '\n' | grep -E '^(src|apps)/.*\.cpp$' | grep -v '_test\.cpp$' | grep -v '/fuzz/' || true)
    out=$(mktemp)
    status=0
    # shellcheck disable=SC2086
    echo "$srcs" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet > "$out" 2>&1 || status=$?
    grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed|^Use -header-filter' "$out" || true
    rm -f "$out"
    exit $status
    ;;
  *)
    echo "usage: scripts/lint.sh format|tidy BUILD_DIR" >&2
    exit 2
    ;;
esac
