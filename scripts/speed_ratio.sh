#!/usr/bin/env bash
# Decoding speed of one model against another on the same machine, in the
# same precision: nmt-benchmark of each, alternating, ROUNDS times (default
# 3), each figure the best of its rounds (a neighbour's load only ever slows a
# run). Greedy and beam 5 over the test set, in batches (the config's batch)
# and the first SINGLE sentences (default 100) one at a time.
#   scripts/speed_ratio.sh MODEL_DIR REFERENCE_DIR [PRECISION]   (default: int8)
# Either side may be an ensemble: its directories joined by commas (A,B),
# decoding with the first one's config.
# Prints a table with the ratios MODEL / REFERENCE, then one JSON line per
# model in the form of docs/results/speed.jsonl (OUT=dir keeps the reports;
# SRC=file translates another source than the config's test set).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
model=$1 reference=$2 precision=${3:-int8}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
IFS=, read -r -a all_dirs <<< "$model,$reference"
for dir in "${all_dirs[@]}"; do
  [ -f "$dir/config.yaml" ] || { echo "speed_ratio: $dir is not a model directory (no config.yaml)" >&2; exit 2; }
done
for round in $(seq "${ROUNDS:-3}"); do
  for side in model reference; do
    dir=$model; [ "$side" = model ] || dir=$reference
    IFS=, read -r -a dirs <<< "$dir"
    model_args=()
    for d in "${dirs[@]}"; do model_args+=(--model "$d"); done
    build/nmt-benchmark --config "${dirs[0]}/config.yaml" "${model_args[@]}" --steps 0 --beam 5 \
      --single "${SINGLE:-100}" ${SRC:+--src "$SRC"} --set decoding.precision="$precision" > "$OUT/$side.$round.json" 2> "$OUT/$side.$round.log" ||
      { tail -3 "$OUT/$side.$round.log" >&2; exit 1; }
    echo "speed_ratio: round $round, $dir done" >&2
  done
done
/usr/bin/python3 - "$OUT" "$model" "$reference" "$(git rev-parse --short HEAD)" <<'PY'
import glob, json, sys
out, model, reference, commit = sys.argv[1:]
cases = [("beam1", "batched"), ("beam1", "single"), ("beam5", "batched"), ("beam5", "single")]
best, info = {}, {}
for side in ("model", "reference"):
    runs = [json.load(open(p)) for p in sorted(glob.glob(f"{out}/{side}.*.json"))]
    best[side] = {c: max(r["translate"][c[0]][c[1]]["sentences_per_second"] for r in runs) for c in cases}
    best[side]["rss"] = min(r["peak_rss_mib"] for r in runs)
    info[side] = runs[0]
names = {"beam1": "greedy", "beam5": "beam 5", "batched": "batched", "single": "one at a time"}
print("| sentences/s (%s, %s) | %s | %s | ratio |" % (info["model"]["translate"]["precision"],
      info["model"]["cpu"], model, reference))
print("|---|---:|---:|---:|")
for c in cases:
    m, r = best["model"][c], best["reference"][c]
    print("| %s %s | %.1f | %.1f | %.2fx |" % (names[c[0]], names[c[1]], m, r, m / r))
print("| peak memory, MiB | %.0f | %.0f | |" % (best["model"]["rss"], best["reference"]["rss"]))
for side, path in (("model", model), ("reference", reference)):
    b, d = best[side], info[side]
    print(json.dumps({"model": path, "cpu": d["cpu"], "kernels": "as it is",
                      "precision": d["translate"]["precision"],
                      "greedy_batched": round(b[cases[0]], 1), "greedy_single": round(b[cases[1]], 1),
                      "beam5_batched": round(b[cases[2]], 1), "beam5_single": round(b[cases[3]], 1),
                      "peak_rss_mib": round(b["rss"]), "commit": commit,
                      "command": "scripts/speed_ratio.sh %s %s %s" % (model, reference, d["translate"]["precision"])},
                     ensure_ascii=False))
PY
