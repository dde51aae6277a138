#!/usr/bin/env bash
# nmt processes sharing the machine's cores: each nmt-train alone, then two
# side by side, then training beside nmt-serve under load; every figure is
# also given as a fraction of the same process's solo figure (fair sharing of
# the cores between two busy processes: 0.5).
#   scripts/contention_benchmark.sh [SECONDS]          (default 90 per measurement)
# Configs: configs/generated_gru.yaml (GRU) and, when the Multi30k corpus is
# there (scripts/get_data.sh multi30k), configs/multi30k_transformer.yaml.
# The environment passes through (e.g. OMP_WAIT_POLICY=active, to compare).
# Prints one JSON line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-90}
warmup=15  # seconds of start-up (data, model) left out of every figure
[ -x build/nmt-train ] || scripts/setup.sh
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

configs=(configs/generated_gru.yaml)
if [ -f corpora/multi30k/train.de ]; then configs+=(configs/multi30k_transformer.yaml)
else echo "contention_benchmark: no corpora/multi30k (scripts/get_data.sh multi30k): GRU only" >&2; fi
for c in "${configs[@]}"; do build/nmt-prepare --config "$c" > /dev/null; done

name() { basename "$1" .yaml; }

start_training() {  # CONFIG LOG: logs every 10 steps, never validates
  build/nmt-train --config "$1" --model-dir "$work/model-$(basename "$2" .log)" \
    --set training.log_every=10 --set training.validate_every=1000000 \
    --set training.time_budget_minutes=0 --set training.max_epochs=1000 > "$2" 2>&1 &
  pids+=($!)
}

# Target tokens/s of a training log: the mean of its progress lines after the warm-up.
tokens_per_second() {  # LOG
  awk -v skip="$warmup" '/tok\/s/ {
      split($2, t, ":"); now = t[1] * 3600 + t[2] * 60 + t[3]
      if (!start) start = now
      if (now - start >= skip) { for (i = 1; i < NF; i++) if ($(i + 1) == "tok/s") { sum += $i; n++ } }
    } END { if (n) printf "%.0f", sum / n; else printf "null" }' "$1"
}

# CONFIG... trained side by side for the warm-up plus `seconds`; prints each one's tokens/s.
train_together() {
  local logs=() i=0
  for c in "$@"; do i=$((i + 1)); logs+=("$work/run$i.log"); start_training "$c" "$work/run$i.log"; done
  sleep $((warmup + seconds))
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  for l in "${logs[@]}"; do tokens_per_second "$l"; echo; done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.2f", a / b }'; }

declare -A solo
for c in "${configs[@]}"; do
  solo[$c]=$(train_together "$c")
  printf '{"alone": "%s", "tokens_per_second": %s}\n' "$(name "$c")" "${solo[$c]}"
done

pairs=("${configs[0]} ${configs[0]}")
if [ ${#configs[@]} -gt 1 ]; then pairs+=("${configs[0]} ${configs[1]}" "${configs[1]} ${configs[1]}"); fi
for pair in "${pairs[@]}"; do
  read -r a b <<< "$pair"
  mapfile -t got < <(train_together "$a" "$b")
  printf '{"side_by_side": ["%s", "%s"], "tokens_per_second": [%s, %s], "of_alone": [%s, %s]}\n' \
    "$(name "$a")" "$(name "$b")" "${got[0]}" "${got[1]}" "$(ratio "${got[0]}" "${solo[$a]}")" "$(ratio "${got[1]}" "${solo[$b]}")"
done

# Training beside a server under load: a model of the quick start (one minute
# of training) serves greedy requests from 8 clients with wrk.
if ! command -v wrk > /dev/null; then
  echo "contention_benchmark: no wrk (Debian: apt-get install wrk): the server part is skipped" >&2
  exit 0
fi
build/nmt-train --config configs/generated_gru.yaml --model-dir "$work/served" --time-budget 1 2> "$work/served.log"
build/nmt-serve --model "$work/served" --port 0 > "$work/url" 2> "$work/serve.log" &
pids+=($!)
server=$!
for _ in $(seq 600); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
[ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
serve_rate() {  # sentences/s over `seconds`
  SENTENCES=corpora/generated/test.de BEAM=1 wrk -t2 -c8 -d"${seconds}s" --timeout 30s \
    -s scripts/serve_load.lua "${url}translate" | awk '/Requests\/sec/ {print $2}'
}
alone=$(serve_rate)
printf '{"alone": "nmt-serve (greedy, 8 clients)", "sentences_per_second": %s}\n' "$alone"
trainer=${configs[-1]}
start_training "$trainer" "$work/beside.log"
sleep "$warmup"
beside=$(serve_rate)
kill -KILL "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true
trained=$(tokens_per_second "$work/beside.log")
printf '{"side_by_side": ["nmt-serve", "%s"], "sentences_per_second": %s, "tokens_per_second": %s, "of_alone": [%s, %s]}\n' \
  "$(name "$trainer")" "$beside" "$trained" "$(ratio "$beside" "$alone")" "$(ratio "$trained" "${solo[$trainer]}")"
kill -TERM "$server"
