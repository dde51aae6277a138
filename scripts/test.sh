#!/usr/bin/env bash
# Builds (via setup.sh) and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Only the tests need torchrun (Debian's python3-torch): they start nmt-train's
# ranks with it as cluster users do. Without it that test says SKIPPED.
if ! command -v torchrun >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "test: installing python3-torch (torchrun)" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-torch >&2 ||
    echo "test: python3-torch not installed; the torchrun test will be skipped" >&2
fi
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
