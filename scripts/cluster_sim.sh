#!/usr/bin/env bash
# A simulated cluster on one host: N network namespaces ("machines") joined
# through a bridge in a hub namespace by veth links whose bandwidth is limited,
# both ways, with tc's token bucket filter (tbf; this kernel has no netem, so no
# delay is added: a real network's latency is not in these figures). One rank
# of nmt-train runs in each, started by torchrun with the multi-node variables
# (--nnodes N --node_rank R, the master at namespace 0's address). Prints rank
# 0's tokens/s, seconds per update and all-reduce time per update (with
# buckets: the part left after the backward pass). Needs root; traffic stays in
# the namespaces it makes, which it removes on every exit.
#   scripts/cluster_sim.sh N BANDWIDTH [STEPS]      e.g. scripts/cluster_sim.sh 2 1gbit 40
# Environment:
#   NMT_CONFIG  experiment config (default configs/multi30k_transformer.yaml)
#   NMT_SET     more --set overrides, e.g. "training.gradient_buckets_mb=25"
#   NMT_THREADS LibTorch threads per rank (default 1: see docs/training-at-scale.md)
#   NMT_KEEP    keep the model directory here (default: a temporary one)
#   NMT_CUT_LINK_AFTER  seconds after the first checkpoint at which the last rank's link
#                       goes down (a lost machine)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: scripts/cluster_sim.sh N BANDWIDTH [STEPS]}
rate=${2:?usage: scripts/cluster_sim.sh N BANDWIDTH [STEPS]}
steps=${3:-40}
config=${NMT_CONFIG:-configs/multi30k_transformer.yaml}
threads=${NMT_THREADS:-1}
[ "$(id -u)" -eq 0 ] || { echo "cluster_sim: needs root (network namespaces and tc)" >&2; exit 2; }
for tool in ip tc torchrun; do
  command -v "$tool" >/dev/null || { echo "cluster_sim: $tool not found (iproute2, python3-torch)" >&2; exit 2; }
done
[ -x build/nmt-train ] || { echo "cluster_sim: build/nmt-train not built (scripts/setup.sh)" >&2; exit 2; }

prefix=nmt$$
work=$(mktemp -d)
model=${NMT_KEEP:-$work/model}
cleanup() {
  for ns in $(ip netns list | awk -v p="$prefix-" 'index($1, p) == 1 { print $1 }'); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hub=$prefix-hub
ip netns add "$hub"
ip -n "$hub" link add br0 type bridge
ip -n "$hub" link set br0 up
for r in $(seq 0 $((n - 1))); do
  ns=$prefix-$r
  ip netns add "$ns"
  ip link add eth0 netns "$ns" type veth peer name "p$r" netns "$hub"
  ip -n "$hub" link set "p$r" master br0 up
  ip -n "$ns" addr add "10.77.0.$((r + 1))/24" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  # Both directions of the machine's link: its egress, and the hub's port towards it.
  ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate "$rate" burst 1mb latency 100ms
  ip netns exec "$hub" tc qdisc add dev "p$r" root tbf rate "$rate" burst 1mb latency 100ms
done

set -f  # NMT_SET's words are overrides, not patterns
overrides="training.max_steps=$steps training.log_every=$(( steps / 4 > 0 ? steps / 4 : 1 )) training.validate_every=1000000 training.threads=$threads training.time_budget_minutes=0 ${NMT_SET:-}"
for r in $(seq 0 $((n - 1))); do
  ip netns exec "$prefix-$r" env GLOO_SOCKET_IFNAME=eth0 \
    torchrun --nnodes "$n" --node_rank "$r" --nproc_per_node 1 --master_addr 10.77.0.1 --master_port 29500 \
    --redirects 2 --tee 2 --no_python build/nmt-train --config "$config" --model-dir "$model" \
    --set $overrides >"$work/rank$r.log" 2>&1 &
  [ "$r" -eq 0 ] && rank0=$!
  disown  # the clean-up may kill it: no job notice
done
set +f
if [ -n "${NMT_CUT_LINK_AFTER:-}" ]; then
  # Counted from the first checkpoint, not from the start: on a busy machine the
  # ranks may still be setting up after any fixed time.
  while kill -0 "$rank0" 2>/dev/null && [ ! -e "$model/checkpoint.pt" ]; do sleep 0.2; done
  sleep "$NMT_CUT_LINK_AFTER"
  echo "cluster_sim: link of rank $((n - 1)) down" >&2
  ip -n "$prefix-$((n - 1))" link set eth0 down
fi
# Rank 0's log says when the run is over. torchrun's agents may then wait
# minutes for a lost machine (their exit barrier): the clean-up stops them.
finished() { grep -q "training stopped:\|\]:error" "$work/rank0.log"; }
while kill -0 "$rank0" 2>/dev/null && ! finished; do sleep 0.5; done
sleep 2
status=0
grep -q "training stopped:" "$work/rank0.log" && ! grep -q "\]:error" "$work/rank0.log" || status=1
# torchrun prefixes each line with [default0]:; rank 0's progress lines:
#   [time] [info] epoch E step S | ... | X tok/s | all-reduce A MB in B ms ...
grep -h "error" "$work"/rank*.log | sed 's/^\[default[0-9]*\]://' | sort -u >&2 || true
awk -v n="$n" -v rate="$rate" -v steps="$steps" -v set="${NMT_SET:-}" '
  /\[info\] epoch [0-9]+ step [0-9]+ \|/ {
    match($0, /[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]/); split(substr($0, RSTART, 8), hms, ":")
    secs = hms[1] * 3600 + hms[2] * 60 + hms[3]
    match($0, /step [0-9]+/); step = substr($0, RSTART + 5, RLENGTH - 5) + 0
    match($0, /[0-9]+ tok\/s/); tok = substr($0, RSTART, RLENGTH - 6) + 0
    ms = 0; if (match($0, /, [0-9]+ ms after|in [0-9]+ ms/)) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); ms = s + 0 }
    # Of that wait: for a slower rank (no communication), and for the tied embedding rows looked up.
    slow = 0; if (match($0, /[0-9]+ of them waiting for a slower/)) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); slow = s + 0 }
    lookup = -1; if (match($0, /\([0-9]+ ms the lookups/)) { s = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); lookup = s + 0 }
    lines++
    if (lines == 1) { first_step = step; first_secs = secs; next }  # the first window warms up
    sum_tok += tok; sum_ms += ms; sum_slow += slow; counted++; last_step = step; last_secs = secs
    if (lookup >= 0) { sum_lookup += lookup; lookups++ }
  }
  END {
    if (counted == 0) { print "cluster_sim: no progress lines (see the errors above)"; exit 1 }
    printf "%d machine(s) at %s%s: %.0f target tokens/s, %.2f s per update, all-reduce %.0f ms per update\n",
      n, rate, (set == "" ? "" : " (" set ")"), sum_tok / counted,
      (last_secs - first_secs) / (last_step - first_step), sum_ms / counted
    if (n > 1) printf "  of which waiting for a slower rank: %.0f ms; the all-reduce after the slowest rank'"'"'s backward pass: %.0f ms\n", sum_slow / counted, (sum_ms - sum_slow) / counted
    if (lookups > 0) printf "  of which the tied embedding'"'"'s looked-up rows: %.0f ms per update\n", sum_lookup / lookups
  }' "$work/rank0.log"
exit "$status"
