#!/usr/bin/env bash
# nmt against CTranslate2 (OpenNMT's inference engine) on the same weights: an
# nmt Transformer is exported (nmt-export --to pytorch) and converted
# (python/nmt_ctranslate2), then both translate the same source on the same
# number of threads, one run after the other, alternating, best of ROUNDS:
#
#   scripts/compare_ctranslate2.sh MODEL_DIR [SOURCE]
#
# SOURCE defaults to the model's test set (data.test + source language); its
# reference is the same name with the target language. For greedy and beam 5,
# batched (the model's decoding.batch_size) and one sentence at a time (the
# first SINGLE lines, default 300): sentences/s and BLEU of each engine
#   - fp32 against float32: the two engines on the same arithmetic;
#   - fastest against fastest: nmt's decoding.precision=fastest against the
#     faster of CTranslate2's float32 and int8 compute types in that case;
# peak memory (maximum resident set) of each, and how many fp32 translations
# differ (greedy and beam 5). Comparable search on both sides: no length penalty
# (nmt's GNMT alpha and CTranslate2's beta differ everywhere else), nmt's
# length limit per batch (a * source tokens + b), </s> appended to the source.
#
# Environment: THREADS (2), ROUNDS (2), SINGLE (300), OUT (work folder,
# default runs/compare_ctranslate2), NMT_CTRANSLATE2 (the PREFIX of
# scripts/build_ctranslate2.sh, default build/ctranslate2; not needed where
# pip installed the module). Prints one line per case and a JSON line with
# every figure.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
model=$1
threads=${THREADS:-2}
rounds=${ROUNDS:-2}
single=${SINGLE:-300}
out=${OUT:-runs/compare_ctranslate2}
prefix=${NMT_CTRANSLATE2:-build/ctranslate2}
[ -f "$model/config.yaml" ] || { echo "compare_ctranslate2: $model is not a model directory (no config.yaml)" >&2; exit 2; }
py() { PYTHONPATH=python:$prefix/python${PYTHONPATH:+:$PYTHONPATH} /usr/bin/python3 "$@"; }
py -c 'import ctranslate2' 2>/dev/null ||
  { echo "compare_ctranslate2: no ctranslate2 module: pip install ctranslate2, or scripts/build_ctranslate2.sh SRC_DIR" >&2; exit 2; }
value() { sed -n "s/^ *$1: *\"\{0,1\}\([^\"#]*[^\"# ]\)\"\{0,1\}.*$/\1/p" "$model/config.yaml" | head -1; }
src_lang=$(value src_lang)
tgt_lang=$(value tgt_lang)
source=${2:-$(value test).$src_lang}
reference=${source%.*}.$tgt_lang
[ -f "$source" ] || { echo "compare_ctranslate2: no source file $source" >&2; exit 2; }
[ -f "$reference" ] || { echo "compare_ctranslate2: no reference $reference for $source" >&2; exit 2; }

mkdir -p "$out"
rm -rf "$out/exported" "$out/ctranslate2"
build/nmt-export --model "$model" --to pytorch "$out/exported" 2>/dev/null
py -m nmt_ctranslate2.convert "$out/exported" "$out/ctranslate2"
head -n "$single" "$source" > "$out/single.$src_lang"
head -n "$single" "$reference" > "$out/single.$tgt_lang"
version=$(py -c 'import ctranslate2; print(ctranslate2.__version__)')
cpu=$(build/nmt-translate --version | sed -n 's/^CPU: *//p' | head -1)

# Runs a command (stdin: $1's file) to $2, keeping its sentences/s and peak RSS.
timed() {  # INPUT HYP LOG -- command...
  local input=$1 hyp=$2 log=$3
  shift 4
  /usr/bin/time -f 'peak_rss_kib %M' "$@" < "$input" > "$hyp" 2> "$log"
}
rate() { sed -n 's/.*translated [0-9]* sentences in [0-9.]* s (\([0-9.]*\) sentences\/s).*/\1/p' "$1" | tail -1; }
peak() { sed -n 's/^peak_rss_kib //p' "$1" | tail -1; }
bleu() { build/nmt-evaluate --hyp "$1" --ref "$2" --json 2>/dev/null | py -c 'import json,sys; print(round(json.load(sys.stdin)["bleu"]["score"], 1))'; }

results=$out/results.txt
: > "$results"
# One measurement: ENGINE SETTING BEAM MODE -> "rate peak bleu" appended to results.
measure() {
  local engine=$1 setting=$2 beam=$3 mode=$4 input=$source ref=$reference
  [ "$mode" = single ] && { input=$out/single.$src_lang; ref=$out/single.$tgt_lang; }
  local stem=$out/$engine.$setting.beam$beam.$mode
  if [ "$engine" = nmt ]; then
    local batch=()
    [ "$mode" = single ] && batch=(decoding.batch_size=1)
    timed "$input" "$stem.hyp" "$stem.log" -- build/nmt-translate --model "$model" --threads "$threads" --beam "$beam" \
      --set decoding.precision="$setting" decoding.length_penalty=0 "${batch[@]}"
  else
    local one=()
    [ "$mode" = single ] && one=(--single)
    timed "$input" "$stem.hyp" "$stem.log" -- env PYTHONPATH="python:$prefix/python" /usr/bin/python3 -m nmt_ctranslate2.translate \
      --model "$out/ctranslate2" --threads "$threads" --beam "$beam" --compute-type "$setting" "${one[@]}"
  fi
  echo "$engine $setting $beam $mode $(rate "$stem.log") $(peak "$stem.log") $(bleu "$stem.hyp" "$ref")" >> "$results"
}

for ((r = 1; r <= rounds; r++)); do
  for beam in 1 5; do
    for mode in batched single; do
      measure nmt fp32 "$beam" "$mode"
      measure ctranslate2 float32 "$beam" "$mode"
      measure nmt fastest "$beam" "$mode"
      measure ctranslate2 int8 "$beam" "$mode"
    done
  done
done
fastest=$(sed -n 's/.*decoding.precision: fastest -> \([a-z0-9]*\) .*/\1/p' "$out/nmt.fastest.beam1.batched.log" | head -1)
count_differing() { paste -d '\t' "$out/nmt.fp32.beam$1.batched.hyp" "$out/ctranslate2.float32.beam$1.batched.hyp" | awk -F '\t' '$1 != $2' | wc -l; }
differ="$(count_differing 1) $(count_differing 5)"

py - "$results" "$fastest" "$differ" "$(wc -l < "$source")" "$version" "$cpu" "$model" "$(git rev-parse --short HEAD)" <<'EOF'
import json, sys
path, fastest, differ, lines, version, cpu, model, commit = sys.argv[1:]
differ_greedy, differ_beam = (int(n) for n in differ.split())
best = {}
for line in open(path):
    engine, setting, beam, mode, rate, peak, bleu = line.split()
    key = (engine, setting, int(beam), mode)
    entry = {"rate": float(rate), "peak_mib": int(peak) // 1024, "bleu": float(bleu)}
    if key not in best or entry["rate"] > best[key]["rate"]:
        best[key] = entry
record = {"model": model, "commit": commit, "cpu": cpu, "ctranslate2": version, "nmt_fastest": fastest,
          "fp32_greedy_different_lines": differ_greedy,
          "fp32_beam5_different_lines": differ_beam, "lines": int(lines), "cases": []}
for beam in (1, 5):
    for mode in ("batched", "single"):
        name = ("greedy" if beam == 1 else f"beam {beam}") + (" batched" if mode == "batched" else " one at a time")
        n, c = best[("nmt", "fp32", beam, mode)], best[("ctranslate2", "float32", beam, mode)]
        print(f"{name} fp32: nmt {n['rate']:.1f}, CTranslate2 {c['rate']:.1f} sentences/s, "
              f"{n['rate'] / c['rate']:.2f} x (BLEU {n['bleu']} / {c['bleu']})")
        record["cases"].append({"case": name, "setting": "fp32", "nmt": n, "ctranslate2": c})
        nf = best[("nmt", "fastest", beam, mode)]
        ct = max(("float32", "int8"), key=lambda t: best[("ctranslate2", t, beam, mode)]["rate"])
        cf = best[("ctranslate2", ct, beam, mode)]
        print(f"{name} fastest: nmt {fastest} {nf['rate']:.1f}, CTranslate2 {ct} {cf['rate']:.1f} sentences/s, "
              f"{nf['rate'] / cf['rate']:.2f} x (BLEU {nf['bleu']} / {cf['bleu']})")
        record["cases"].append({"case": name, "setting": "fastest", "nmt_precision": fastest, "nmt": nf,
                                "ctranslate2_compute_type": ct, "ctranslate2": cf})
peaks = [e["peak_mib"] for k, e in best.items() if k[0] == "nmt"], [e["peak_mib"] for k, e in best.items() if k[0] != "nmt"]
print(f"peak memory: nmt {min(peaks[0])}-{max(peaks[0])} MiB, CTranslate2 {min(peaks[1])}-{max(peaks[1])} MiB")
print(f"fp32, batched, no length penalty: {differ_greedy} of {lines} translations differ greedy, {differ_beam} with beam 5")
print(f"(CTranslate2 {version}; {cpu}; {model}; nmt {commit})")
print(json.dumps(record))
EOF
