#!/usr/bin/env bash
# Load on nmt-serve over loopback with wrk: for greedy and beam 5, at 1, 8 and
# 32 concurrent clients (each request one sentence of SOURCES, in turn),
# sentences/s and p50/p99 latency; the offline batched speed of nmt-translate
# on the same sentences for comparison; and the server's resident memory
# after warm-up, after the load runs and after 10,000 more requests.
#   scripts/serve_load.sh [MODEL_DIR] [SOURCES] [SECONDS_PER_RUN]
#   (default: runs/multi30k_transformer corpora/multi30k/test2016.de 20)
# NMT_ARGS="--threads 1" (e.g.) is passed to nmt-serve and to the offline nmt-translate.
# Prints one JSON line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-runs/multi30k_transformer}
sources=${2:-corpora/multi30k/test2016.de}
seconds=${3:-20}
command -v wrk >/dev/null || { echo "serve_load: needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck disable=SC2086  # NMT_ARGS is a list of arguments
build/nmt-serve --model "$model" --port 0 ${NMT_ARGS:-} > "$work/url" 2> "$work/serve.log" &
server=$!
for _ in $(seq 600); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }

# wrk's summary: "Requests/sec: N" and, with --latency, " 50%  12.34ms" lines.
milliseconds() {  # 812.00us | 12.34ms | 1.20s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}
load() {  # BEAM CLIENTS SECONDS
  local threads=$(( $2 < 2 ? $2 : 2 ))
  SENTENCES=$sources BEAM=$1 \
    wrk -t"$threads" -c"$2" -d"$3"s --timeout 30s --latency -s scripts/serve_load.lua "${url}translate" > "$work/wrk.txt"
  local rate p50 p99 requests non200
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(milliseconds "$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")")
  p99=$(milliseconds "$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  non200=$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt"); non200=${non200:-0}
  printf '{"beam": %d, "clients": %d, "requests": %d, "errors": %d, "sentences_per_second": %s, "p50_ms": %s, "p99_ms": %s}\n' \
    "$1" "$2" "$requests" "$non200" "$rate" "$p50" "$p99"
}

load 1 8 3 > /dev/null  # warm-up
printf '{"rss_mib_after_warmup": %s}\n' "$(rss)"
for beam in 1 5; do
  for clients in 1 8 32; do load "$beam" "$clients" "$seconds"; done
done
printf '{"rss_mib_after_load_runs": %s}\n' "$(rss)"
for round in 1 2; do  # twice 10,000 more requests: memory must level off
  served=0
  while [ "$served" -lt 10000 ]; do
    served=$(( served + $(load 1 32 "$seconds" | sed 's/.*"requests": \([0-9]*\).*/\1/') ))
  done
  printf '{"rss_mib_after_%d_more_requests": %s}\n' "$served" "$(rss)"
done
kill -TERM "$server"; wait "$server" || true

# Offline: nmt-translate on the same sentences in batches of 64, less the
# time it takes to start with an empty input (loading the model).
elapsed_ms() {  # INPUT BEAM
  local start; start=$(date +%s%N)
  # shellcheck disable=SC2086
  build/nmt-translate --model "$model" --beam "$2" --input "$1" ${NMT_ARGS:-} > /dev/null 2>&1
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
: > "$work/empty.txt"
for beam in 1 5; do
  ms=$(( $(elapsed_ms "$sources" "$beam") - $(elapsed_ms "$work/empty.txt" "$beam") ))
  lines=$(grep -c . "$sources")
  printf '{"offline_beam": %d, "sentences": %d, "sentences_per_second": %.1f}\n' "$beam" "$lines" \
    "$(echo "$lines * 1000 / $ms" | bc -l)"
done
