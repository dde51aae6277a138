#!/usr/bin/env bash
# Decoding speed and peak memory of one model in each precision (fp32, bf16,
# int8), one process per precision, run back to back: sentences/s of greedy
# and beam-5 search over the test set, batched and one sentence at a time.
#   scripts/precision_benchmark.sh CONFIG MODEL_DIR [SINGLE]   (SINGLE: sentences one at a time, default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:?usage: scripts/precision_benchmark.sh CONFIG MODEL_DIR [SINGLE]}
model=${2:?usage: scripts/precision_benchmark.sh CONFIG MODEL_DIR [SINGLE]}
single=${3:-100}
echo "| precision | greedy batched | greedy one at a time | beam 5 batched | beam 5 one at a time | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|"
for precision in fp32 bf16 int8; do
  build/nmt-benchmark --config "$config" --model "$model" --steps 0 --single "$single" --beam 5 \
    --set "decoding.precision=$precision" 2>/dev/null |
    /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
t = d["translate"]
cells = ["%.1f" % t[b][m]["sentences_per_second"] for b in ("beam1", "beam5") for m in ("batched", "single")]
print("| %s | %s | %.0f MiB |" % (t["precision"], " | ".join(cells), d["peak_rss_mib"]))'
done
echo "(sentences/s; $model, config $config)"
