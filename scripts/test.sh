#!/usr/bin/env bash
# Builds (via setup.sh) and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Only the tests need torchrun (Debian's python3-torch: they start nmt-train's
# ranks with it as cluster users do, and run python/nmt_pytorch with
# python3-sentencepiece), chromium (headless, it loads nmt-serve's page and
# translates in it) and clang-14 with libFuzzer (the fuzz targets run
# briefly). Without them those tests say SKIPPED.
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
fuzzer=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
for need in torchrun:python3-torch /usr/lib/python3/dist-packages/sentencepiece:python3-sentencepiece chromium:chromium clang++-14:clang-14 "$fuzzer:libfuzzer-14-dev"; do
  if ! command -v "${need%%:*}" >/dev/null && [ ! -e "${need%%:*}" ]; then
    echo "test: installing ${need#*:} (${need%%:*})" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need#*:}" >&2 ||
      echo "test: ${need#*:} not installed; its test will be skipped" >&2
  fi
done
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
