#!/usr/bin/env bash
# The weights of one training run, scored on its config's valid and test sets
# (data.valid, data.test) with greedy search and beam 5, one JSON line each:
#   best        best.pt: the weights validation chose (the average, with training.ema_decay)
#   last        the checkpoint's own weights at the end (never averaged)
#   average-N   nmt-average of the last N weights the run kept (training.keep_last_weights)
#   scripts/quality_table.sh MODEL_DIR [N]
# An ensemble is scored with nmt-evaluate --model A --model B directly.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/quality_table.sh MODEL_DIR [N]}
n=${2:-5}
# A value of the run's data section, as nmt-train wrote it into the model directory.
data_value() {
  awk -v key="  $1:" '/^data:/ { d = 1; next } /^[^ ]/ { d = 0 } d && index($0, key) == 1 { print $2; exit }' \
    "$model/config.yaml" | tr -d '"'
}
src=$(data_value src_lang) tgt=$(data_value tgt_lang)
sets="$(data_value valid) $(data_value test)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

candidates=("best:$model")
build/nmt-average --model "$model" --weights "$model/checkpoint.pt" --out "$work/last" 2>/dev/null
candidates+=("last:$work/last")
if [ -d "$model/weights" ]; then
  build/nmt-average --model "$model" --last "$n" --out "$work/average" 2>/dev/null
  candidates+=("average-$n:$work/average")
fi
for candidate in "${candidates[@]}"; do
  name=${candidate%%:*} dir=${candidate#*:}
  for prefix in $sets; do
    for beam in 1 5; do
      bleu=$(build/nmt-evaluate --model "$dir" --beam "$beam" --src "$prefix.$src" --ref "$prefix.$tgt" \
               --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(d["bleu"]["score"], 2), round(d["chrf"]["score"], 2))')
      printf '{"run": "%s", "weights": "%s", "set": "%s", "beam": %s, "bleu": %s, "chrf2": %s}\n' \
        "$model" "$name" "$(basename "$prefix")" "$beam" "${bleu% *}" "${bleu#* }"
    done
  done
done
