#!/usr/bin/env bash
# Scores a translation with nmt-evaluate and with sacreBLEU (the Python
# package, where it is installed: `pip install sacrebleu`) and compares the
# two: BLEU and chrF2 with sacreBLEU's default settings, to 4 decimals.
#   scripts/check_sacrebleu.sh HYP REF
# Exits 0 when they agree, 1 when they differ, 2 when sacreBLEU is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
hyp=$1 ref=$2
python=${PYTHON:-python3}
"$python" -c 'import sacrebleu' 2>/dev/null ||
  { echo "check_sacrebleu: $python has no sacrebleu module (pip install sacrebleu, or PYTHON=...)" >&2; exit 2; }
nmt_json=$(mktemp)
trap 'rm -f "$nmt_json"' EXIT
build/nmt-evaluate --hyp "$hyp" --ref "$ref" --json > "$nmt_json" || exit 1
"$python" -c '
import json, sys, sacrebleu
nmt_path, hyp_path, ref_path = sys.argv[1:]
nmt = json.load(open(nmt_path))
read = lambda p: open(p, encoding="utf-8").read().splitlines()
hyps, refs = read(hyp_path), read(ref_path)
theirs = {"bleu": sacrebleu.corpus_bleu(hyps, [refs]).score,
          "chrf": sacrebleu.corpus_chrf(hyps, [refs]).score}
same = True
for metric, score in theirs.items():
    ours = nmt[metric]["score"]
    agree = abs(ours - score) < 5e-5
    same &= agree
    print("%-4s nmt %.4f  sacreBLEU %s %.4f  %s" % (metric, ours, sacrebleu.__version__, score,
                                                   "same" if agree else "DIFFERENT"))
sys.exit(0 if same else 1)' "$nmt_json" "$hyp" "$ref"
