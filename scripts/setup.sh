#!/usr/bin/env bash
# Installs what nmt needs from Debian 12 and builds its tools into build/
# (Release); scripts/test.sh builds the tests too.
# Idempotent: run it again after a pull. Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config
          libtorch-dev libgloo-dev libopenblas0-pthread libopenblas0-openmp
          libsentencepiece-dev libcli11-dev libspdlog-dev libyaml-cpp-dev catch2
          nlohmann-json3-dev libcpp-httplib-dev libtcmalloc-minimal4 libdnnl-dev
          python3)  # python3: the corpus scripts (get_data.sh, split_corpus.sh, distill.sh)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# LibTorch calls the system BLAS; without OpenBLAS it is the slow reference one.
if ! update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep -q '^Value: .*openblas'; then
  echo "setup: warning: libblas.so.3 is not OpenBLAS; matrix products will be slow" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target nmt-tools
