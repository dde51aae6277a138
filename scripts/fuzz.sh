#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang and runs each for
# SECONDS, starting from the seed corpus kept in tests/fuzz/corpus/<target>.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (default: 600 s each; config text metrics translate)
# config, text and metrics run under AddressSanitizer and
# UndefinedBehaviorSanitizer; translate under UBSan only (see its source).
# Prints one JSON line per target; exits 1 when a target finds a crash, a
# leak, a hang or a sanitizer report (the input is kept in WORK, printed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config text metrics translate)
work=${FUZZ_WORK:-/tmp/nmt-fuzz}
build=${FUZZ_BUILD:-build-fuzz}

if ! command -v clang++-14 >/dev/null || [ ! -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "fuzz: installing clang-14 and libfuzzer-14-dev" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang-14 libfuzzer-14-dev >&2
fi

build_targets() {  # SANITIZERS DIR TARGET...
  local sanitizers=$1 dir=$2; shift 2
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DNMT_FUZZ_SANITIZERS="$sanitizers" > "$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; exit 1; }
  cmake --build "$dir" -j"$(nproc)" --target "$@" > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log" >&2; exit 1; }
}
mkdir -p "$work"
asan=() ubsan=()
for t in "${targets[@]}"; do
  case $t in
    config|text|metrics) asan+=("fuzz_$t") ;;
    translate) ubsan+=("fuzz_$t") ;;
    *) echo "fuzz: unknown target $t" >&2; exit 2 ;;
  esac
done
[ ${#asan[@]} -eq 0 ] || build_targets address,undefined "$build-asan" "${asan[@]}"
[ ${#ubsan[@]} -eq 0 ] || build_targets undefined "$build-ubsan" "${ubsan[@]}"

found=0
for t in "${targets[@]}"; do
  binary=$build-asan/fuzz_$t; [ "$t" = translate ] && binary=$build-ubsan/fuzz_$t
  corpus=$work/corpus-$t
  mkdir -p "$corpus"
  log=$work/$t.log
  status=0
  # New inputs go to $corpus; the repository's seeds are read only.
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$binary" -max_total_time="$seconds" -max_len=4096 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/$t-" "$corpus" "tests/fuzz/corpus/$t" > "$log" 2>&1 || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  units=$(find "$corpus" -type f | wc -l)
  artifact=$(grep -o "Test unit written to [^ ]*" "$log" | awk '{print $5}' | head -1 || true)
  printf '{"target": "%s", "seconds": %d, "executions": %s, "corpus_units": %d, "exit": %d, "finding": "%s"}\n' \
    "$t" "$seconds" "${runs:-0}" "$units" "$status" "${artifact:-}"
  if [ "$status" -ne 0 ]; then
    found=1
    grep -E "ERROR|runtime error|SUMMARY|terminate|uncaught" "$log" | head -5 >&2
  fi
done
exit $found
