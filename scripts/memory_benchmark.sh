#!/usr/bin/env bash
# Corpus size versus memory: the generated corpus at 20,000 and at 2,000,000
# training pairs. For each: nmt-train preparing the data itself (generation,
# tokenizer, binary dataset) and its anonymous resident memory (RssAnon) after
# 50 steps of the quick-start GRU; then nmt-prepare's time on a fresh copy and
# the trainer's RssAnon on data prepared before it. Prints one JSON line per size.
#   scripts/memory_benchmark.sh [SIZES...]     (default: 20000 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 2000000)
work=${WORK:-/tmp/nmt-memory-bench}
mkdir -p "$work"
for n in "${sizes[@]}"; do
  dir=$work/$n
  set_args=(--set data.train="$dir/train" --set data.valid="$dir/valid" --set data.test="$dir/test"
            --set data.generate_train="$n" --set tokenizer.prefix="$dir/spm"
            --set training.model_dir="$dir/model" --set training.max_steps=50 --set training.log_every=50
            --set training.validate_every=100000 --set training.time_budget_minutes=0)
  rm -rf "$dir" && mkdir -p "$dir"
  build/nmt-train --config configs/generated_gru.yaml "${set_args[@]}" 2> "$dir.train-preparing.log"
  anon_preparing=$(grep -o "step 50 |.*| \([0-9]*\) MiB anon" "$dir.train-preparing.log" | grep -o "[0-9]* MiB anon" | grep -o "[0-9]*")
  rm -rf "$dir" && mkdir -p "$dir"
  start=$(date +%s%N)
  build/nmt-prepare --config configs/generated_gru.yaml "${set_args[@]}" > "$dir.prepare.txt" 2> "$dir.prepare.log"
  prepare_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  build/nmt-train --config configs/generated_gru.yaml "${set_args[@]}" 2> "$dir.train.log"
  anon=$(grep -o "step 50 |.*| \([0-9]*\) MiB anon" "$dir.train.log" | grep -o "[0-9]* MiB anon" | grep -o "[0-9]*")
  dataset_mib=$(du -m "$dir"/spm.train.de-en.bin | cut -f1)
  printf '{"pairs": %d, "prepare_seconds": %d.%d, "dataset_mib": %d, "train_rss_anon_mib_after_50_steps": %d, "train_preparing_itself_rss_anon_mib_after_50_steps": %d}\n' \
    "$n" $((prepare_ms / 1000)) $((prepare_ms % 1000 / 100)) "$dataset_mib" "$anon" "$anon_preparing"
done
