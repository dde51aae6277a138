#!/usr/bin/env bash
# Speed and memory of a trained model, as JSON on stdout:
#   scripts/benchmark.sh [CONFIG] [MODEL_DIR]
# defaults: configs/multi30k_gru.yaml and the model directory it names.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-configs/multi30k_gru.yaml}
model=${2:-$(sed -n 's/^ *model_dir: *//p' "$config" | head -1)}
[ -d build ] || scripts/setup.sh
[ -f "$model/best.pt" ] || { echo "benchmark: train $model first: build/nmt-train --config $config" >&2; exit 1; }
build/nmt-benchmark --config "$config" --model "$model" --steps 20 --single 100
