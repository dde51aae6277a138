#!/usr/bin/env bash
# Translation and training speed of this build against another build of
# nmt-benchmark (e.g. the previous release), measured back to back in one run
# on one model directory, with the ratios (this / reference) last.
#   scripts/compare_speed.sh REFERENCE_BENCHMARK CONFIG MODEL_DIR [--set decoding.key=value ...]
# The --set overrides apply to this build only (the reference may not know them).
# REPEAT=n (default 3) alternates the two builds n times and keeps each one's
# best figures: on a shared machine a neighbour's load only ever slows a run.
# Needs /usr/bin/python3 for the JSON. OUT=dir keeps the reports.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
reference=$1 config=$2 model=$3
shift 3
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
# The reference predates the precision keys: it gets the config without them.
grep -v '^ *precision:' "$config" >"$OUT/reference_config.yaml"
for run in $(seq "${REPEAT:-3}"); do
  "$reference" --config "$OUT/reference_config.yaml" --model "$model" --steps 10 --single 100 --beam 5 \
    >"$OUT/reference.$run.json" 2>"$OUT/reference.$run.log"
  build/nmt-benchmark --config "$config" --model "$model" --steps 10 --single 100 --beam 5 "$@" \
    >"$OUT/this.$run.json" 2>"$OUT/this.$run.log"
done
/usr/bin/python3 - "$OUT" <<'PY'
import glob, json, sys
runs = {name: [json.load(open(p)) for p in sorted(glob.glob(f"{sys.argv[1]}/{name}.*.json"))]
        for name in ("reference", "this")}
rows = [("training target tokens/s", lambda d: d["train"]["target_tokens_per_second"])]
for beam in ("beam1", "beam5"):
    for mode in ("batched", "single"):
        rows.append((f"{beam} {mode} sentences/s",
                     lambda d, b=beam, m=mode: d["translate"][b][m]["sentences_per_second"]))
rows.append(("peak RSS MiB", lambda d: d["peak_rss_mib"]))  # the highest of the runs' peaks
print(f"best of {len(runs['this'])} runs each")
print(f"{'':30} {'reference':>10} {'this':>10} {'ratio':>7}")
for name, get in rows:
    a, b = (max(get(d) for d in runs[k]) for k in ("reference", "this"))
    print(f"{name:30} {a:10.1f} {b:10.1f} {b / a:7.2f}")
PY
