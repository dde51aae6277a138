#!/usr/bin/env bash
# The main job on the built-in generated corpus (German numbers and dates in
# words -> English): set up, train a translator (a few minutes on 2 cores),
# translate with it, score it on the held-out test set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

config=configs/generated_gru.yaml
model=runs/generated_gru
if [ -f "$model/checkpoint.pt" ]; then
  echo "quickstart: $model is trained already (delete it to train again)" >&2
else
  build/nmt-train --config "$config" --model-dir "$model"
fi

echo "--- translate"
build/nmt-translate --model "$model" \
  "Die Studenten haben dreihundertvierundfünfzig blaue Bücher gekauft ." \
  "Am einundzwanzigsten Juli neunzehnhundertneunundsechzig fährt unsere Nachbarin nach Paris ."

echo "--- score on corpora/generated/test (sacreBLEU-identical)"
build/nmt-evaluate --model "$model" --src corpora/generated/test.de --ref corpora/generated/test.en \
  --output "$model/test.hyp.en"
