#!/usr/bin/env bash
# Builds CTranslate2 (OpenNMT's inference engine for Transformer models, the
# anchor nmt's decoding speed is measured against: docs/performance.md) from a
# source tree, for the CPU, with Debian 12's packages only: oneDNN for the
# matrix products (Debian has no MKL), GCC's OpenMP, no command-line tools;
# then its Python module (Debian's pybind11). Where pip works,
# `pip install ctranslate2` gives the same module, built with MKL.
#
#   scripts/build_ctranslate2.sh SRC_DIR [PREFIX]
#
# SRC_DIR   a CTranslate2 checkout (tried: v4.8.1) with two of its submodules,
#           third_party/spdlog and third_party/cpu_features (git clone
#           --recursive https://github.com/OpenNMT/CTranslate2; the others are
#           for GPUs, ARM and its own tests)
# PREFIX    where it goes (default: build/ctranslate2 in this checkout):
#           PREFIX/lib, PREFIX/include, PREFIX/python (the module), and
#           PREFIX/env.sh, which `scripts/compare_ctranslate2.sh` sources
#
# One source file, src/ops/conv1d_cpu.cc (speech models' convolutions), is
# written for oneDNN 3, which Debian 12's 2.6 is not: it is compiled with its
# portable branch instead (a guard added at its top; nothing else changes).
# About 7 minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
src=$(cd "$1" && pwd)
prefix=${2:-$here/build/ctranslate2}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
jobs=$(nproc)

[ -f "$src/CMakeLists.txt" ] && [ -f "$src/python/setup.py" ] ||
  { echo "build_ctranslate2: $src is not a CTranslate2 source tree (no CMakeLists.txt or python/setup.py)" >&2; exit 2; }
for sub in spdlog cpu_features; do
  [ -f "$src/third_party/$sub/CMakeLists.txt" ] ||
    { echo "build_ctranslate2: $src/third_party/$sub is empty: git -C $src submodule update --init third_party/$sub" >&2; exit 2; }
done
for header in /usr/include/dnnl.hpp /usr/include/pybind11/pybind11.h; do
  [ -f "$header" ] || { echo "build_ctranslate2: $header is missing: apt-get install libdnnl-dev pybind11-dev python3-pybind11 python3-setuptools" >&2; exit 2; }
done

# oneDNN 2.x: conv1d_cpu.cc takes its branch without oneDNN.
conv=$src/src/ops/conv1d_cpu.cc
if ! grep -q "nmt: oneDNN 2" "$conv"; then
  { printf '%s\n' '// nmt: oneDNN 2 lacks this file'"'"'s oneDNN 3 API; use the portable branch.' \
      '#ifdef CT2_WITH_DNNL' '#  include <dnnl_version.h>' '#  if DNNL_VERSION_MAJOR < 3' '#    undef CT2_WITH_DNNL' \
      '#  endif' '#endif'
    cat "$conv"; } > "$conv.nmt" && mv "$conv.nmt" "$conv"
fi

echo "build_ctranslate2: library ($jobs jobs) into $prefix" >&2
cmake -S "$src" -B "$prefix/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DWITH_MKL=OFF -DWITH_DNNL=ON -DWITH_RUY=OFF -DOPENMP_RUNTIME=COMP -DBUILD_CLI=OFF -DBUILD_TESTS=OFF >/dev/null
cmake --build "$prefix/build" -j "$jobs"
cmake --install "$prefix/build" >/dev/null

echo "build_ctranslate2: Python module" >&2
rm -rf "$prefix/pybuild" "$prefix/python"
(cd "$src/python" &&
  CTRANSLATE2_ROOT=$prefix LDFLAGS="-Wl,-rpath,$prefix/lib" CMAKE_BUILD_PARALLEL_LEVEL=$jobs \
    /usr/bin/python3 setup.py -q build --build-base "$prefix/pybuild" >/dev/null)
mv "$prefix"/pybuild/lib.*/ "$prefix/python"
rm -rf "$prefix/pybuild"
printf 'export PYTHONPATH=%s${PYTHONPATH:+:$PYTHONPATH}\n' "$prefix/python" > "$prefix/env.sh"
version=$(. "$prefix/env.sh" && /usr/bin/python3 -c 'import ctranslate2; print(ctranslate2.__version__)')
echo "build_ctranslate2: CTranslate2 $version; before using it: . $prefix/env.sh" >&2
