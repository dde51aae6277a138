#!/usr/bin/env bash
# How far one training run of the Multi30k recipes moves with its seed alone.
# Trains both recipes with training.seed=SEED for the updates their 60 minutes
# alone on 2 cores held (GRU 5484, Transformer 4097: docs/recipes/multi30k.md),
# both at once with one thread each: a fixed number of updates, not a time
# budget, so that neither the other run nor anything else on the machine can
# change a result (only how long it takes). Then scores each model and their
# ensemble with beam 5 on valid and test2016, one JSON line each.
#   scripts/seed_runs.sh SEED [OUT_DIR]      (OUT_DIR defaults to runs/seedSEED)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:?usage: scripts/seed_runs.sh SEED [OUT_DIR]}
out=${2:-runs/seed$seed}
gru_updates=5484 tf_updates=4097
mkdir -p "$out"

# The shipped tokenizer (trained with the config's own seed), not one of SEED's.
build/nmt-prepare --config configs/multi30k_transformer.yaml

train() {  # NAME CONFIG UPDATES
  build/nmt-train --config "$2" --model-dir "$out/$1" --set training.seed="$seed" training.threads=1 \
    training.max_steps="$3" training.time_budget_minutes=0 >"$out/$1.stdout" 2>"$out/$1.log"
}
train gru configs/multi30k_gru.yaml "$gru_updates" &
gru=$!
train transformer configs/multi30k_transformer.yaml "$tf_updates" &
tf=$!
wait "$gru" || { echo "seed_runs: the GRU run failed, see $out/gru.log" >&2; exit 1; }
wait "$tf" || { echo "seed_runs: the Transformer run failed, see $out/transformer.log" >&2; exit 1; }

score() {  # NAME SET MODEL_DIR...
  local name=$1 set=$2 models=()
  shift 2
  for dir in "$@"; do models+=(--model "$dir"); done
  build/nmt-evaluate "${models[@]}" --beam 5 --src "corpora/multi30k/$set.de" --ref "corpora/multi30k/$set.en" \
    --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps({"seed": int(sys.argv[1]), "system": sys.argv[2], "set": sys.argv[3], "beam": 5,
                  "bleu": round(d["bleu"]["score"], 2), "chrf2": round(d["chrf"]["score"], 2)}))' "$seed" "$name" "$set"
}
for set in valid test2016; do
  score gru "$set" "$out/gru"
  score transformer "$set" "$out/transformer"
  score ensemble "$set" "$out/gru" "$out/transformer"
done | tee "$out/scores.jsonl"
