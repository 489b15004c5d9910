#!/bin/sh
# Installs every Debian 12 package that Figurant's build, tests, benchmarks and demo need, then the
# browser tests' npm packages (tests/browser/package-lock.json, with `npm ci`).
# Idempotent: when everything is present it only asks dpkg, compares one checksum and returns in
# well under a second. Runs as root (or through sudo when available). Downloads nothing but Debian
# packages and the npm packages the lockfile pins; never a browser (the tests drive Debian's
# /usr/bin/chromium).
set -eu

PACKAGES="
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libcpp-httplib-dev libkainjow-mustache-dev libpqxx-dev postgresql
  libassimp-dev assimp-testmodels libmeshoptimizer-dev
  libembree-dev libtbb-dev libopenexr-dev libpng-dev libstb-dev
  librecast-dev libtinygltf-dev
  blender python3-numpy webp
  chromium
"
# Node.js and npm run the browser tests; a node from elsewhere (nvm, NodeSource) is used as it is.
if ! command -v node > /dev/null 2>&1; then
  PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# The browser tests' packages (puppeteer-core, axe-core), exactly as the lockfile pins them.
# `npm ci` runs only when node_modules is missing or was installed from another lockfile: the
# lockfile's SHA-256 is kept in node_modules/.figurant-lock.sha256 after a successful install.
# --ignore-scripts: no package may run an install script (none needs one; a browser download
# would be one).
BROWSER_DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
STAMP="$BROWSER_DIR/node_modules/.figurant-lock.sha256"
lock_sum=$(sha256sum "$BROWSER_DIR/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_sum" ]; then
  echo "install-deps: npm ci in tests/browser"
  (cd "$BROWSER_DIR" &&
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$STAMP"
fi
