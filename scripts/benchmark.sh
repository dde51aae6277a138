#!/usr/bin/env bash
# Speed and memory of trained models, as JSON on stdout: training throughput
# (target tokens/s), greedy and beam-5 translation speed of the test set
# (sentences/s, output tokens/s; batched and one sentence at a time), peak RSS.
#   scripts/benchmark.sh                     # every Multi30k config whose model is trained
#   scripts/benchmark.sh CONFIG [MODEL_DIR]  # one config (default model: its training.model_dir)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || scripts/setup.sh

bench() {
  local config=$1 model=${2:-$(sed -n 's/^ *model_dir: *//p' "$1" | head -1)}
  if [ ! -f "$model/best.pt" ]; then
    echo "benchmark: $model is not trained; train it first: build/nmt-train --config $config" >&2
    return 1
  fi
  build/nmt-benchmark --config "$config" --model "$model" --steps 20 --single 100 --beam 5
}

if [ $# -gt 0 ]; then
  bench "$@"
else
  status=1
  for config in configs/multi30k_gru.yaml configs/multi30k_transformer.yaml; do
    bench "$config" && status=0 || true
  done
  exit $status
fi
