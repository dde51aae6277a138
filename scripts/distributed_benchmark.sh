#!/usr/bin/env bash
# Transformer training throughput on this machine, three ways, in one run:
# one process (the default threads), one process with 2 LibTorch threads, and
# 2 ranks x 1 thread (nmt-train --nproc 2, Gloo on loopback), plus the bytes
# all-reduced per update and the time it takes. Each run trains STEPS updates
# of configs/multi30k_transformer.yaml (fresh weights); tokens/s is the mean
# over the progress windows after the first (which holds the warm-up).
#   scripts/distributed_benchmark.sh [STEPS]        (needs scripts/get_data.sh multi30k)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-40}
config=${CONFIG:-configs/multi30k_transformer.yaml}
work=$(mktemp -d /tmp/nmt-dist-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A 50-pair validation set: the run's final validation should not dominate it.
head -n 50 corpora/multi30k/valid.de > "$work/valid.de"
head -n 50 corpora/multi30k/valid.en > "$work/valid.en"
common=(--config "$config" --set training.max_steps="$steps" --set training.log_every=10
        --set training.validate_every=100000 --set training.time_budget_minutes=0 --set data.valid="$work/valid")

run() {  # NAME ARGS...: trains, prints one JSON line
  local name=$1; shift
  build/nmt-train "${common[@]}" --model-dir "$work/$name" "$@" 2> "$work/$name.log"
  python3 - "$name" "$work/$name.log" <<'PY'
import json, re, sys
name, log = sys.argv[1:3]
tok, sync_mb, sync_ms = [], [], []
for line in open(log):
    m = re.search(r"\| (\d+) tok/s", line)
    if m: tok.append(float(m.group(1)))
    m = re.search(r"all-reduce ([0-9.]+) MB in ([0-9.]+) ms", line)
    if m: sync_mb.append(float(m.group(1))); sync_ms.append(float(m.group(2)))
out = {"run": name, "target_tokens_per_second": round(sum(tok[1:]) / max(1, len(tok[1:])))}
if sync_ms:
    out["all_reduce_mb_per_update"] = sync_mb[-1]
    out["all_reduce_ms_per_update"] = round(sum(sync_ms[1:]) / max(1, len(sync_ms[1:])), 1)
print(json.dumps(out))
PY
}

run one_process_1_thread
run one_process_2_threads --set training.threads=2
run two_ranks_1_thread_each --nproc 2
