#!/usr/bin/env bash
# Kills nmt-train with SIGKILL at random moments, and every other time just as
# it writes a checkpoint, many times in a row, resuming after each kill. Every
# resume must succeed and lose at most save_every steps; the run then
# finishes and its model must translate. Prints a JSON summary; exits 1 on
# any broken promise.
#   scripts/fault_injection.sh [--kills N] [--config FILE] [--save-every S] [--max-seconds T] [--work DIR]
# Defaults: 30 kills of the quick-start GRU (configs/generated_gru.yaml),
# checkpoints every 10 steps, each run killed within 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NMT_BIN:-build}  # where the executables are
kills=30 config=configs/generated_gru.yaml save_every=10 max_seconds=15 work=/tmp/nmt-fault-injection
while [ $# -gt 0 ]; do
  case $1 in
    --kills) kills=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --save-every) save_every=$2; shift 2 ;;
    --max-seconds) max_seconds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "fault_injection: unknown argument $1" >&2; exit 2 ;;
  esac
done
rm -rf "$work/model"
mkdir -p "$work"
model=$work/model
set_args=(--set training.model_dir="$model" --set training.save_every="$save_every" --set training.log_every=1
          --set training.max_steps=0 --set training.time_budget_minutes=0 --set training.max_epochs=1000)
fail() { echo "fault_injection: $*" >&2; exit 1; }
last_logged_step() {  # RUN_LOG: the last step the run logged (log_every is 1), or nothing
  grep -o 'step [0-9]* |' "$1" | tail -1 | grep -o '[0-9]*' || true
}

survived=0 during_write=0 before_first=0 max_lost=0 total_lost=0 pending_logged=""
# Steps lost by the previous kill: trained before it, minus where this run resumed.
count_lost() {  # RUN_LOG
  local saved
  saved=$(grep -o 'resumed from [^:]*: step [0-9]*' "$1" | grep -o '[0-9]*$' || true)
  [ -n "$saved" ] || { cat "$1" >&2; fail "a resume failed"; }
  survived=$((survived + 1))
  local lost=$(( pending_logged > saved ? pending_logged - saved : 0 ))
  [ "$lost" -le "$save_every" ] || fail "a kill lost $lost steps (logged $pending_logged, resumed at $saved; save_every $save_every)"
  total_lost=$((total_lost + lost)); [ "$lost" -gt "$max_lost" ] && max_lost=$lost
  final_step=$saved
}
for k in $(seq "$kills"); do
  resume=(); [ -e "$model/checkpoint.pt" ] && resume=(--resume)
  touch "$work/started"  # a checkpoint.pt.tmp older than this is left from an earlier kill
  sleep 0.01
  "$bin"/nmt-train --config "$config" "${set_args[@]}" "${resume[@]}" 2> "$work/run.log" &
  pid=$!
  if [ $((k % 2)) -eq 0 ]; then
    # Wait for a checkpoint write to start (its temporary file), then kill.
    deadline=$(( $(date +%s) + max_seconds ))
    until [ "$model/checkpoint.pt.tmp" -nt "$work/started" ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 0.002; done
  else
    sleep "$(awk -v max="$max_seconds" -v seed="$k" 'BEGIN { srand(seed); printf "%.2f", 1 + rand() * (max - 1) }')"
  fi
  kill -0 "$pid" 2>/dev/null || { cat "$work/run.log" >&2; fail "run $k ended before it was killed"; }
  kill -KILL "$pid"; wait "$pid" 2>/dev/null || true
  [ "$model/checkpoint.pt.tmp" -nt "$work/started" ] && during_write=$((during_write + 1))
  if [ ${#resume[@]} -gt 0 ]; then count_lost "$work/run.log"; fi
  if [ -e "$model/checkpoint.pt" ]; then
    logged=$(last_logged_step "$work/run.log")
    pending_logged=${logged:-${final_step:-0}}
  else
    before_first=$((before_first + 1))
  fi
done

# The last resume runs 50 steps on from the checkpoint, then the model must translate.
[ -e "$model/checkpoint.pt" ] || fail "no checkpoint after $kills kills (raise --max-seconds)"
"$bin"/nmt-train --config "$config" "${set_args[@]}" --resume --set training.max_steps="$(( pending_logged + 50 ))" 2> "$work/final.log" ||
  { cat "$work/final.log" >&2; fail "the final resume failed"; }
count_lost "$work/final.log"
final_step=$(last_logged_step "$work/final.log")
test_src=$(awk '/^data:/ {d=1} d && /^  test:/ {print $2; exit}' "$model/config.yaml" | tr -d '"')
src_lang=$(awk '/^  src_lang:/ {print $2; exit}' "$model/config.yaml" | tr -d '"')
tgt_lang=$(awk '/^  tgt_lang:/ {print $2; exit}' "$model/config.yaml" | tr -d '"')
bleu=$("$bin"/nmt-evaluate --model "$model" --src "$test_src.$src_lang" --ref "$test_src.$tgt_lang" 2>/dev/null |
       awk '/^BLEU/ {print $3}')
printf '{"kills": %d, "killed_while_writing_a_checkpoint": %d, "killed_before_the_first_checkpoint": %d, ' \
  "$kills" "$during_write" "$before_first"
printf '"resumes_survived": %d, "steps_lost_max": %d, "steps_lost_total": %d, "save_every": %d, "final_step": %d, "test_bleu": %s}\n' \
  "$survived" "$max_lost" "$total_lost" "$save_every" "$final_step" "${bleu:-null}"
[ -n "$bleu" ] || fail "the final model did not translate"
