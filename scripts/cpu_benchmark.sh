#!/usr/bin/env bash
# Training and decoding speed per precision (auto, fp32, bf16), on this CPU as
# it is and held to what an AVX2-only CPU has (ONEDNN_MAX_CPU_ISA=AVX2
# ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell: no AVX-512, no native
# bf16, no VNNI, for oneDNN, ATen and OpenBLAS alike). Every
# combination runs once a round, alternating, and the best of the rounds is
# printed as a Markdown table, with the CPU it ran on.
#   scripts/cpu_benchmark.sh CONFIG [MODEL_DIR] [-- nmt-benchmark options...]
# Environment: ROUNDS (3), STEPS (training steps measured, 20), SINGLE
# (sentences decoded one at a time, 50), PRECISIONS ("auto fp32 bf16"),
# CPUS ("native avx2"), KEEP (a folder that keeps each run's JSON and log).
# Without MODEL_DIR only training is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:?usage: scripts/cpu_benchmark.sh CONFIG [MODEL_DIR] [-- nmt-benchmark options...]}
shift
model=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then model=$1; shift; fi
[ "${1:-}" != "--" ] || shift
extra=("$@")
rounds=${ROUNDS:-3}
steps=${STEPS:-20}
single=${SINGLE:-50}
read -r -a precisions <<< "${PRECISIONS:-auto fp32 bf16}"
read -r -a cpus <<< "${CPUS:-native avx2}"
work=${KEEP:-}
if [ -n "$work" ]; then mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi

model_args=()
[ -z "$model" ] || model_args=(--model "$model" --beam 5 --single "$single")
for round in $(seq 1 "$rounds"); do
  for cpu in "${cpus[@]}"; do
    for precision in "${precisions[@]}"; do
      env_args=()
      [ "$cpu" = native ] || env_args=(ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell)
      echo "cpu_benchmark: round $round, $cpu, $precision" >&2
      env "${env_args[@]}" build/nmt-benchmark --config "$config" "${model_args[@]}" --steps "$steps" \
        --set "training.precision=$precision" --set "decoding.precision=$precision" "${extra[@]}" \
        > "$work/$cpu-$precision-$round.json" 2> "$work/$cpu-$precision-$round.log" ||
        { tail -5 "$work/$cpu-$precision-$round.log" >&2; exit 1; }
    done
  done
done

/usr/bin/python3 - "$work" "$config" "$model" "$rounds" "${cpus[*]}" "${precisions[*]}" <<'EOF'
import glob, json, os, sys
work, config, model, rounds, cpus, precisions = sys.argv[1:]
runs = {}
for path in glob.glob(os.path.join(work, "*.json")):
    cpu, precision, _ = os.path.basename(path)[:-5].split("-")
    runs.setdefault((cpu, precision), []).append(json.load(open(path)))
def chosen(r):
    return r["train"]["precision"]
cols = [("training tok/s", lambda d: d["train"]["target_tokens_per_second"])]
if model:
    for beam in ("beam1", "beam5"):
        for mode in ("batched", "single"):
            name = ("greedy" if beam == "beam1" else "beam 5") + (" batched" if mode == "batched" else " one at a time")
            cols.append((name + " sent/s", lambda d, b=beam, m=mode: d["translate"][b][m]["sentences_per_second"]))
print("| CPU as | precision | " + " | ".join(c for c, _ in cols) + " |")
print("|---|---|" + "---:|" * len(cols))
for cpu in cpus.split():
    for precision in precisions.split():
        rs = runs[(cpu, precision)]
        label = precision if precision != "auto" else "auto (%s)" % chosen(rs[0])
        cells = ["%.0f" % max(f(d) for d in rs) if "tok/s" in c else "%.1f" % max(f(d) for d in rs) for c, f in cols]
        print("| %s | %s | %s |" % ("AVX2 only" if cpu == "avx2" else "as it is", label, " | ".join(cells)))
# The CPU as it is, when a run saw it so (held to AVX2, oneDNN names the lowered ISA).
native = [rs[0] for (cpu, _), rs in runs.items() if cpu == "native"]
cpu_line = (native or [next(iter(runs.values()))[0]])[0]["cpu"]
print("\n(best of %s alternating rounds; %s%s; CPU: %s; AVX2 only: ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell)"
      % (rounds, config, ", model " + model if model else "", cpu_line))
EOF
