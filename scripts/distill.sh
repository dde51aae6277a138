#!/usr/bin/env bash
# Sequence-level knowledge distillation (Kim & Rush 2016) from an ensemble of
# teachers (Freitag et al. 2017): the teachers translate the training source
# with beam search, and a student trains on those translations.
#
#   scripts/distill.sh [--teacher DIR]... [--student CONFIG] [--work DIR] [--chunks DIR] [--seed N]...
#                      [--train PREFIX --src LANG --tgt LANG] [--beam K] [--n-best N] [--mix]
#                      [--updates N] [--parallel] [--name NAME] [--set KEY=VALUE]...
#
# Defaults: the two Multi30k recipes as teachers (runs/multi30k_gru and
# runs/multi30k_transformer, trained with their configs when absent), the
# student configs/multi30k_student.yaml, its training data
# corpora/multi30k/train (de -> en), beam 5, seed 1, work folder runs/distill.
# Stages, each skipped when its output exists, so a stopped run continues
# where it was:
#   1. teachers   the default teachers trained if absent (given ones must exist)
#   2. translate  the training source in chunks of 1000 lines, each written
#                 atomically to WORK/chunks/ (progress and ETA per chunk);
#                 with --n-best N, the N best of each beam (WORK/chunks_nbestN/);
#                 --chunks DIR keeps them there instead, so that two work
#                 folders (with and without --mix) translate once
#   3. corpus     WORK/corpus/train.{src,tgt}: source lines with the teachers'
#                 translations (each of the N best: the source N times),
#                 dropping pairs whose translation is empty or over 3 times
#                 the source's words plus 5; with --mix, the original pairs as
#                 well (valid and test stay the original ones). A work folder
#                 holds one corpus: other options need another --work
#   4. student    nmt-train of the student config per seed on that corpus
#                 (WORK/student_seedN; a stopped one is resumed), with a
#                 tokenizer of its own trained on the distilled corpus
#                 (WORK/corpus/ + the name of the config's tokenizer.prefix).
#                 --updates N trains N updates instead of the config's time
#                 budget (the same run however busy the machine); --parallel
#                 trains the seeds side by side, one LibTorch thread each;
#                 --set KEY=VALUE (repeated) changes the student config (another
#                 shape: --set model.encoder_layers=3), --name NAME puts it in
#                 WORK/NAME_seedN instead of WORK/student_seedN
#   5. scores     greedy and beam-K BLEU/chrF of each student on valid and test
#                 (WORK/student_seedN/scores.txt)
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
bin=${NMT_BIN:-build}  # where the executables are
# A path given on the command line is the caller's; the defaults are the checkout's.
given() { case $1 in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }
teachers=()
student=configs/multi30k_student.yaml
work=runs/distill
chunk_dir=
seeds=()
train=corpora/multi30k/train
src=de
tgt=en
beam=5
mix=false
nbest=1
updates=0
parallel=false
name=student
overrides=()
chunk=1000
while [ $# -gt 0 ]; do
  case $1 in
    --teacher) teachers+=("$(given "$2")"); shift ;;
    --student) student=$(given "$2"); shift ;;
    --work) work=$(given "$2"); shift ;;
    --chunks) chunk_dir=$(given "$2"); shift ;;
    --seed) seeds+=("$2"); shift ;;
    --train) train=$(given "$2"); shift ;;
    --src) src=$2; shift ;;
    --tgt) tgt=$2; shift ;;
    --beam) beam=$2; shift ;;
    --mix) mix=true ;;
    --n-best) nbest=$2; shift ;;
    --updates) updates=$2; shift ;;
    --parallel) parallel=true ;;
    --name) name=$2; shift ;;
    --set) overrides+=("$2"); shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "distill: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#seeds[@]} -gt 0 ] || seeds=(1)
[ -f "$student" ] || { echo "distill: no student config $student" >&2; exit 2; }
for side in "$src" "$tgt"; do
  [ -f "$train.$side" ] || { echo "distill: no training file $train.$side (scripts/get_data.sh multi30k?)" >&2; exit 2; }
done
log() { echo "distill: $*" >&2; }

# 1. Teachers.
if [ ${#teachers[@]} -eq 0 ]; then
  for recipe in gru transformer; do
    dir=runs/multi30k_$recipe
    teachers+=("$dir")
    if [ ! -f "$dir/best.pt" ]; then  # (a stopped teacher continues with nmt-train --resume)
      log "teacher $dir: training configs/multi30k_$recipe.yaml"
      "$bin"/nmt-train --config "configs/multi30k_$recipe.yaml" --model-dir "$dir" --resume auto
    fi
  done
fi
model_args=()
for t in "${teachers[@]}"; do
  [ -f "$t/best.pt" ] || { echo "distill: teacher $t has no best.pt" >&2; exit 2; }
  model_args+=(--model "$t")
done

[ "$nbest" -ge 1 ] && [ "$nbest" -le "$beam" ] || { echo "distill: --n-best must be between 1 and the beam $beam" >&2; exit 2; }
nbest_args=()
[ "$nbest" -eq 1 ] || nbest_args=(--n-best "$nbest")
if [ -z "$chunk_dir" ]; then
  chunk_dir=$work/chunks
  [ "$nbest" -eq 1 ] || chunk_dir=$work/chunks_nbest$nbest
fi
# One corpus per work folder: the options that made it are kept beside it.
translated="teachers ${teachers[*]}; source $train.$src; beam $beam; n-best $nbest"
recipe="$translated; mix $mix"
if [ -f "$work/corpus/recipe.txt" ] && [ "$(cat "$work/corpus/recipe.txt")" != "$recipe" ]; then
  echo "distill: $work/corpus was made by '$(cat "$work/corpus/recipe.txt")', not '$recipe': give another --work" >&2
  exit 2
fi

# 2. The teachers translate the training source, a chunk at a time.
mkdir -p "$chunk_dir"
if [ -f "$chunk_dir/recipe.txt" ] && [ "$(cat "$chunk_dir/recipe.txt")" != "$translated" ]; then
  echo "distill: $chunk_dir holds translations by '$(cat "$chunk_dir/recipe.txt")', not '$translated'" >&2
  exit 2
fi
echo "$translated" > "$chunk_dir/recipe.txt"
lines=$(wc -l < "$train.$src")
chunks=$(( (lines + chunk - 1) / chunk ))
start=$(date +%s)
done_now=0
for ((k = 0; k < chunks; k++)); do
  out=$(printf '%s/%05d.%s' "$chunk_dir" "$k" "$tgt")
  [ -f "$out" ] && continue
  sed -n "$((k * chunk + 1)),$(((k + 1) * chunk))p" "$train.$src" |
    "$bin"/nmt-translate "${model_args[@]}" --beam "$beam" "${nbest_args[@]}" 2> "$chunk_dir/translate.log" > "$out.partial" ||
    { tail -5 "$chunk_dir/translate.log" >&2; exit 1; }
  if [ "$nbest" -gt 1 ]; then  # 'i ||| translation ||| ...' -> 'line of the source<TAB>translation'
    awk -v first=$((k * chunk)) 'BEGIN { FS = " [|][|][|] " } { print $1 + first "\t" $2 }' "$out.partial" > "$out.tsv"
    mv "$out.tsv" "$out.partial"
  fi
  mv "$out.partial" "$out"
  done_now=$((done_now + 1))
  elapsed=$(( $(date +%s) - start ))
  left=$(( chunks - k - 1 ))
  log "translated chunk $((k + 1)) of $chunks ($((elapsed / done_now)) s a chunk, eta $((elapsed / done_now * left / 60)) min)"
done

# 3. The distilled corpus.
mkdir -p "$work/corpus"
if [ ! -f "$work/corpus/train.$tgt" ]; then
  cat "$chunk_dir"/*."$tgt" > "$work/corpus/translations.$tgt"
  /usr/bin/python3 - "$train.$src" "$work/corpus/translations.$tgt" "$work/corpus/train" "$src" "$tgt" \
    "$mix" "$train.$tgt" "$nbest" <<'EOF'
import sys
src_path, hyp_path, prefix, src, tgt, mix, ref_path, nbest = sys.argv[1:]
with open(src_path, encoding="utf-8") as f:
    sources = f.read().splitlines()
translations = [[] for _ in sources]  # of each source line
with open(hyp_path, encoding="utf-8") as h:
    if nbest == "1":
        lines = h.read().splitlines()
        if len(lines) != len(sources):
            sys.exit(f"distill: the chunks hold {len(lines)} lines, the source {len(sources)}")
        translations = [[t] for t in lines]
    else:
        for number, line in enumerate(h, 1):
            index, _, text = line.rstrip("\n").partition("\t")
            if not index.isdigit() or int(index) >= len(sources):
                sys.exit(f"distill: {hyp_path}:{number}: not 'source line<TAB>translation'")
            translations[int(index)].append(text)
        missing = sum(1 for t in translations if not t)
        if missing:
            sys.exit(f"distill: {hyp_path}: {missing} source lines have no translation")
kept = dropped = 0
with open(prefix + "." + src + ".partial", "w", encoding="utf-8") as out_s, \
     open(prefix + "." + tgt + ".partial", "w", encoding="utf-8") as out_t:
    for line_s, hyps in zip(sources, translations):
        for line_h in hyps:
            words_s, words_h = len(line_s.split()), len(line_h.split())
            if words_h == 0 or words_h > 3 * words_s + 5:
                dropped += 1
                continue
            out_s.write(line_s + "\n")
            out_t.write(line_h + "\n")
            kept += 1
    if mix == "true":
        with open(src_path, encoding="utf-8") as s, open(ref_path, encoding="utf-8") as r:
            for line_s, line_r in zip(s, r):
                out_s.write(line_s)
                out_t.write(line_r)
print("distill: corpus: %d distilled pairs kept, %d dropped (empty or too long)%s"
      % (kept, dropped, ", with the original pairs" if mix == "true" else ""), file=sys.stderr)
EOF
  mv "$work/corpus/train.$src.partial" "$work/corpus/train.$src"
  mv "$work/corpus/train.$tgt.partial" "$work/corpus/train.$tgt"
  echo "$recipe" > "$work/corpus/recipe.txt"
fi

# 4. Students: one tokenizer and dataset for all seeds, prepared once.
prefix=$(sed -n 's/^ *prefix: *"\{0,1\}\([^"# ]*\)"\{0,1\}.*$/\1/p' "$student" | head -1)
[ -n "$prefix" ] || { echo "distill: $student has no tokenizer.prefix" >&2; exit 2; }
student_set=(data.train="$work/corpus/train" tokenizer.prefix="$work/corpus/$(basename "$prefix")")
[ "$updates" -eq 0 ] || student_set+=(training.max_steps="$updates" training.time_budget_minutes=0)
[ "$parallel" = false ] || student_set+=(training.threads=1)
student_set+=("${overrides[@]}")
"$bin"/nmt-prepare --config "$student" --set "${student_set[@]}" > "$work/corpus/prepare.txt"

train_student() {  # SEED
  local dir=$work/${name}_seed$1
  # Finished (not interrupted): resuming would train past its bound.
  grep -Eq "training stopped: (reached|time budget)" "$dir/train.log" 2>/dev/null && return 0
  log "student, seed $1: $student on $work/corpus/train (log: $dir.log)"
  "$bin"/nmt-train --config "$student" --model-dir "$dir" --resume auto \
    --set "${student_set[@]}" training.seed="$1" > "$dir.stdout" 2> "$dir.log"
}
pids=()
for seed in "${seeds[@]}"; do
  if [ "$parallel" = true ]; then train_student "$seed" & pids+=($!); else train_student "$seed"; fi
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "distill: a student failed (see $work/${name}_seed*.log)" >&2; exit 1; }; done

# 5. Their scores.
for seed in "${seeds[@]}"; do
  dir=$work/${name}_seed$seed
  if [ ! -f "$dir/scores.txt" ]; then
    valid=$(sed -n 's/^  valid: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$dir/config.yaml" | head -1)
    test=$(sed -n 's/^  test: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$dir/config.yaml" | head -1)
    {
      for set in "$valid" "$test"; do
        [ -n "$set" ] && [ -f "$set.$src" ] || continue
        for k in 1 "$beam"; do
          printf '%s beam %s: ' "$set" "$k"
          "$bin"/nmt-evaluate --model "$dir" --beam "$k" --src "$set.$src" --ref "$set.$tgt" 2>/dev/null | tr '\n' ' '
          echo
        done
      done
    } > "$dir/scores.txt.partial"
    mv "$dir/scores.txt.partial" "$dir/scores.txt"
  fi
  log "$name, seed $seed:"
  cat "$dir/scores.txt" >&2
done
