#!/bin/sh
# Installs every Debian 12 package that Figurant's build, tests, benchmarks and demo need.
# Idempotent: when everything is present it only asks dpkg and returns in well under a second.
# Runs as root (or through sudo when available). Never downloads anything but Debian packages.
set -eu

PACKAGES="
  build-essential cmake ninja-build pkg-config git
  clang clang-format clang-tidy libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libcpp-httplib-dev libkainjow-mustache-dev libpqxx-dev postgresql
  libassimp-dev assimp-testmodels libmeshoptimizer-dev
  libembree-dev libtbb-dev libopenexr-dev libpng-dev libstb-dev
  librecast-dev
  blender python3-numpy
"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "installed" ]; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
