#!/usr/bin/env bash
# The README's two commands, exactly as written, on a clean Debian 12 root:
# what a new user's machine does, which CI (a warm machine with every package
# installed) cannot see. Run it before resolving anything that touches
# setup.sh, test.sh, a CMake file or a dependency.
#
#   sudo scripts/fresh_machine.sh [--keep] [--only quickstart|tests]
#
# 1. A Debian 12 root from `debootstrap --variant=minbase`, from the mirror
#    this machine's apt uses; the first run keeps it as a tarball
#    ($NMT_FRESH_CACHE, default ~/.cache/nmt-fresh) and later runs unpack that.
# 2. A clean clone of the committed `main` into /work/main inside it, and
#    ../shared beside it (as CI sees it) when this checkout has one.
# 3. In a chroot with /proc, /sys and /dev mounted for the run (unmounted
#    afterwards, whatever happens):
#      scripts/setup.sh && scripts/quickstart.sh
#      scripts/test.sh
#    each timed, its last lines printed, its whole log kept beside the root.
# Exits non-zero when either command fails. --keep leaves the root in place
# (its path is printed); otherwise it is deleted.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
keep=false
only=""
while [ $# -gt 0 ]; do
  case $1 in
    --keep) keep=true ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh_machine: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case $only in ""|quickstart|tests) ;; *) echo "fresh_machine: --only takes quickstart or tests, not '$only'" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "fresh_machine: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null || {
  echo "fresh_machine: installing debootstrap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
}

# The mirror this machine's apt uses (deb822 sources first, then the one-line form).
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

cache=${NMT_FRESH_CACHE:-$HOME/.cache/nmt-fresh}
tarball=$cache/bookworm-minbase.tar.gz
work=$(mktemp -d /var/tmp/nmt-fresh.XXXXXX)
root=$work/root
mkdir -p "$root" "$cache"

mounted=()
cleanup() {
  local status=$?
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[$i]}" 2>/dev/null || umount -lR "${mounted[$i]}" 2>/dev/null || true
  done
  if grep -q " $root/" /proc/mounts; then
    echo "fresh_machine: could not unmount everything under $root; left in place" >&2
    status=1
  elif ! $keep; then
    rm -rf "$root"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -f "$tarball" ]; then
  echo "fresh_machine: a clean Debian 12 root from $tarball" >&2
  tar -xzf "$tarball" -C "$root"
else
  echo "fresh_machine: debootstrap --variant=minbase bookworm from $mirror (cached afterwards)" >&2
  start=$(date +%s)
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # The same package sources as this machine (updates and security included).
  rm -f "$root/etc/apt/sources.list"
  cp -a /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null ||
    cp /etc/apt/sources.list "$root/etc/apt/sources.list"
  tar -czf "$tarball.partial" -C "$root" . && mv "$tarball.partial" "$tarball"
  echo "fresh_machine: root made in $(( $(date +%s) - start )) s, kept as $tarball" >&2
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"

# What a user clones: the committed main, not this working tree.
git clone -q --no-local --branch main "$checkout" "$root/work/main"
echo "fresh_machine: main at $(git -C "$root/work/main" log -1 --format='%h %s')" >&2
if [ -d "$checkout/../shared" ]; then
  cp -a "$checkout/../shared" "$root/work/shared"
fi

for fs in proc sys dev; do
  case $fs in
    proc) mount -t proc proc "$root/proc" ;;
    *) mount --rbind "/$fs" "$root/$fs"; mount --make-rslave "$root/$fs" ;;
  esac
  mounted+=("$root/$fs")
done

failed=0
run() {  # run NAME COMMAND: the command in the chroot, from the checkout, as root
  local name=$1 command=$2 log=$work/$1.log start status
  echo "fresh_machine: [$name] $command" >&2
  start=$(date +%s)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /work/main && $command" > "$log" 2>&1
  status=$?
  set -e
  local seconds=$(( $(date +%s) - start ))
  echo "--- [$name] last lines of $log" >&2
  tail -15 "$log" >&2
  printf 'fresh_machine: [%s] %s after %d min %d s (exit %d)\n' "$name" \
    "$([ $status -eq 0 ] && echo passed || echo FAILED)" $((seconds / 60)) $((seconds % 60)) $status
  [ $status -eq 0 ] || failed=1
}

[ "$only" = tests ] || run quickstart "scripts/setup.sh && scripts/quickstart.sh"
[ "$only" = quickstart ] || run tests "scripts/test.sh"
echo "fresh_machine: logs in $work$($keep && echo "; the root is $root")" >&2
exit $failed
