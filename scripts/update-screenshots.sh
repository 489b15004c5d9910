#!/bin/sh
# Copies the portal screenshots the browser tests saved (BUILD_DIR/tests/browser/screenshots/,
# phone-sized PNGs; tests/browser/lib/screenshot.mjs) into docs/images/portal/, where README.md
# shows them. Run the browser tests first:
#   ctest --test-dir build -L browser && scripts/update-screenshots.sh [BUILD_DIR]
# Lists what it copied; fails when the tests saved no screenshot.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
from="$build/tests/browser/screenshots"
to=docs/images/portal
if ! ls "$from"/*.png > /dev/null 2>&1; then
  echo "update-screenshots: no screenshots in $from: run ctest --test-dir $build -L browser" >&2
  exit 1
fi
mkdir -p "$to"
for f in "$from"/*.png; do
  cp "$f" "$to/"
  echo "$to/$(basename "$f")"
done
