#!/usr/bin/env bash
# nmt against PyTorch on the same weights: the model exported with
# nmt-export --to pytorch and translated by python/nmt_pytorch, and by
# nmt-translate, on the same file with the same batch size and beam, one after
# the other. Each tool times its own translation (model loading left out).
#   scripts/compare_decoding.sh MODEL_DIR [SOURCE_FILE]   (default: Multi30k's test2016.de)
# Prints, per search, sentences/s of both and the ratio: fp32 against fp32, then
# nmt in bf16 and in int8 (decoding.precision) against PyTorch's fp32; and how
# many translations of the fp32 runs differ.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/compare_decoding.sh MODEL_DIR [SOURCE_FILE]}
source_file=${2:-corpora/multi30k/test2016.de}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/nmt-export --model "$model" --to pytorch "$work/exported" 2>/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
rate() { sed -n 's/.*translated [0-9]* sentences in [0-9.]* s (\([0-9.]*\) sentences\/s).*/\1/p' "$1" | tail -1; }
nmt() {  # nmt BEAM PRECISION OUT
  build/nmt-translate --model "$model" --beam "$1" --set "decoding.precision=$2" --input "$source_file" \
    >"$3" 2>"$3.log"
  rate "$3.log"
}
pytorch() {  # pytorch BEAM OUT
  if ! PYTHONPATH=python /usr/bin/python3 -m nmt_pytorch.translate --model "$work/exported" --beam "$1" \
    <"$source_file" >"$2" 2>"$2.log"; then
    echo "compare_decoding: the PyTorch package failed (it needs Debian's python3-torch and python3-sentencepiece):" >&2
    tail -3 "$2.log" >&2
    exit 1
  fi
  rate "$2.log"
}

lines=$(wc -l <"$source_file")
echo "model $model, $lines sentences of $source_file, batch size and length limits of its config"
for beam in 1 5; do
  name=$([ "$beam" = 1 ] && echo "greedy" || echo "beam $beam")
  nmt_fp32=$(nmt "$beam" fp32 "$work/nmt.$beam")
  torch_fp32=$(pytorch "$beam" "$work/torch.$beam")
  differ=$(paste -d '\t' "$work/nmt.$beam" "$work/torch.$beam" | awk -F '\t' '$1 != $2' | wc -l)
  printf '%s batched, fp32: nmt %s, PyTorch %s sentences/s, %.2fx (%s of %s translations differ)\n' \
    "$name" "$nmt_fp32" "$torch_fp32" "$(ratio "$nmt_fp32" "$torch_fp32")" "$differ" "$lines"
  for precision in bf16 int8; do
    nmt_other=$(nmt "$beam" "$precision" "$work/nmt-$precision.$beam")
    printf '%s batched, nmt %s against PyTorch fp32: nmt %s, PyTorch %s sentences/s, %.2fx\n' \
      "$name" "$precision" "$nmt_other" "$torch_fp32" "$(ratio "$nmt_other" "$torch_fp32")"
  done
done
